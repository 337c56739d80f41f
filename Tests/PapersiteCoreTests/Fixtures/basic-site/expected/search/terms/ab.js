papersiteSearchData("terms/ab", {"abstract":[2,1]});
