papersiteSearchData("terms/sl", {"slug":[1,1]});
