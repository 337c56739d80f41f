papersiteSearchData("years/2017", [0]);
