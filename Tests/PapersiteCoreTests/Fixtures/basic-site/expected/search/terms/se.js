papersiteSearchData("terms/se", {"second":[1,1],"sentences":[1,1],"sequence":[0,1]});
