papersiteSearchData("terms/cd", {"cdot":[0,1]});
