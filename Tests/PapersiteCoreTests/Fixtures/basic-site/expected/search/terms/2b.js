papersiteSearchData("terms/2b", {"2b":[2,1]});
