papersiteSearchData("terms/ni", {"niki":[3,6]});
