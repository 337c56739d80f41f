papersiteSearchData("terms/tr", {"transduction":[3,1],"transformer":[3,1],"transformers":[1,13,1,12,1,4]});
