papersiteSearchData("terms/su", {"suffixes":[1,1]});
