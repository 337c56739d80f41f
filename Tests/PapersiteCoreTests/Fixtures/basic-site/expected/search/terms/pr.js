papersiteSearchData("terms/pr", {"propose":[0,1]});
