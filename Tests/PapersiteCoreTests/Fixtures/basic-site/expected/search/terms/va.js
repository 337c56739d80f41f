papersiteSearchData("terms/va", {"vaswani":[3,6]});
