papersiteSearchData("terms/us", {"uszkoreit":[0,6]});
