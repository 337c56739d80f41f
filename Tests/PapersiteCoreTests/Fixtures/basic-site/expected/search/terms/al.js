papersiteSearchData("terms/al", {"all":[3,8],"alpha":[1,1]});
