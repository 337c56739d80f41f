papersiteSearchData("terms/ba", {"based":[3,1],"baselines":[0,1]});
