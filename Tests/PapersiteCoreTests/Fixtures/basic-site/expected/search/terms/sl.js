papersiteSearchData("terms/sl", {"slug":[2,1]});
