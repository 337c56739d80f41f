papersiteSearchData("terms/tr", {"transduction":[0,1],"transformer":[0,1],"transformers":[0,4,1,12,1,13]});
