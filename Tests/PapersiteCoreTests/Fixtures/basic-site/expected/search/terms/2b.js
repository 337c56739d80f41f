papersiteSearchData("terms/2b", {"2b":[1,1]});
