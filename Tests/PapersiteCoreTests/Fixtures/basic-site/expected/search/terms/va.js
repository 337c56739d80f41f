papersiteSearchData("terms/va", {"vaswani":[0,6]});
