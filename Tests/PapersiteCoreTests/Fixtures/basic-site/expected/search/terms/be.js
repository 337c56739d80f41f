papersiteSearchData("terms/be", {"beats":[3,1],"beta":[2,1]});
