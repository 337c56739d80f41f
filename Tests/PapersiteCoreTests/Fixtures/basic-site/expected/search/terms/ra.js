papersiteSearchData("terms/ra", {"ratio":[2,1]});
