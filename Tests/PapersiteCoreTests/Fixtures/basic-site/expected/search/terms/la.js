papersiteSearchData("terms/la", {"layer":[3,1]});
