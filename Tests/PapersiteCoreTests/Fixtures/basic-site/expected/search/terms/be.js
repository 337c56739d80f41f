papersiteSearchData("terms/be", {"beats":[0,1],"beta":[1,1]});
