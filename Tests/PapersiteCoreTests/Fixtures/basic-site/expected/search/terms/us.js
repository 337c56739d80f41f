papersiteSearchData("terms/us", {"uszkoreit":[3,6]});
