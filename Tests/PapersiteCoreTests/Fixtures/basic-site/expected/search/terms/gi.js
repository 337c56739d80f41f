papersiteSearchData("terms/gi", {"github":[0,1]});
