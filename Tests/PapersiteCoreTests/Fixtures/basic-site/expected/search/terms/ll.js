papersiteSearchData("terms/ll", {"llion":[0,6]});
