papersiteSearchData("terms/cd", {"cdot":[3,1]});
