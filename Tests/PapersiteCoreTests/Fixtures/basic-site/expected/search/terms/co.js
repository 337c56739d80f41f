papersiteSearchData("terms/co", {"code":[3,1],"com":[3,1],"complex":[0,1],"compute":[2,1],"cost":[0,1]});
