papersiteSearchData("tags/transformers", [0,1,1]);
