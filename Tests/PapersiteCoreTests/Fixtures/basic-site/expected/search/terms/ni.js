papersiteSearchData("terms/ni", {"niki":[0,6]});
