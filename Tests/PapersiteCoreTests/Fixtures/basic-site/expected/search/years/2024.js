papersiteSearchData("years/2024", [0,1,1]);
