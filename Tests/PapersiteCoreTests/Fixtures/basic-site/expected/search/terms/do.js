papersiteSearchData("terms/do", {"dominant":[0,1]});
