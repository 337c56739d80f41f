papersiteSearchData("terms/ba", {"based":[0,1],"baselines":[3,1]});
