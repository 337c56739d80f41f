papersiteSearchData("terms/re", {"recurrent":[3,1],"results":[1,1]});
