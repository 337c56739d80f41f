papersiteSearchData("terms/ke", {"key":[1,1]});
