papersiteSearchData("terms/ha", {"hard":[0,1],"has":[2,1]});
