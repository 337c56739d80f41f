papersiteSearchData("terms/se", {"second":[2,1],"sentences":[2,1],"sequence":[3,1]});
