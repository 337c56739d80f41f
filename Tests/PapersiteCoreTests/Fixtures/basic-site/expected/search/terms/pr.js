papersiteSearchData("terms/pr", {"propose":[3,1]});
