papersiteSearchData("terms/ra", {"ratio":[1,1]});
