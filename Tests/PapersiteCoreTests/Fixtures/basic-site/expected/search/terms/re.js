papersiteSearchData("terms/re", {"recurrent":[0,1],"results":[2,1]});
