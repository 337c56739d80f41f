papersiteSearchData("terms/al", {"all":[0,8],"alpha":[2,1]});
