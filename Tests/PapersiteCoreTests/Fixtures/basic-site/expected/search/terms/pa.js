papersiteSearchData("terms/pa", {"paper":[1,1],"parameters":[2,1],"parmar":[0,6]});
