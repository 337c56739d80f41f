papersiteSearchData("terms/la", {"layer":[0,1]});
