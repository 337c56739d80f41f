papersiteSearchData("terms/ke", {"key":[2,1]});
