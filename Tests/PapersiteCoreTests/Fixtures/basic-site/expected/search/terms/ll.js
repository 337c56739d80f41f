papersiteSearchData("terms/ll", {"llion":[3,6]});
