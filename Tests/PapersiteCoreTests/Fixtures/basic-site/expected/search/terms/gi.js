papersiteSearchData("terms/gi", {"github":[3,1]});
