papersiteSearchData("terms/pa", {"paper":[2,1],"parameters":[1,1],"parmar":[3,6]});
