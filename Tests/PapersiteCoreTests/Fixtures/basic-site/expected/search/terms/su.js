papersiteSearchData("terms/su", {"suffixes":[2,1]});
