papersiteSearchData("terms/do", {"dominant":[3,1]});
