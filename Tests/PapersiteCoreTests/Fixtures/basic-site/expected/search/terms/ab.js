papersiteSearchData("terms/ab", {"abstract":[1,1]});
