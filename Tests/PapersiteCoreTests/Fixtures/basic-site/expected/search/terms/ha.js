papersiteSearchData("terms/ha", {"hard":[3,1],"has":[1,1]});
