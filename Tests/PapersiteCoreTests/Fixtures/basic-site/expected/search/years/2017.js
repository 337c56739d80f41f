papersiteSearchData("years/2017", [3]);
