papersiteSearchData("terms/co", {"code":[0,1],"com":[0,1],"complex":[3,1],"compute":[1,1],"cost":[3,1]});
