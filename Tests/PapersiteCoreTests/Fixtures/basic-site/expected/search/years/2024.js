papersiteSearchData("years/2024", [1,1,1]);
