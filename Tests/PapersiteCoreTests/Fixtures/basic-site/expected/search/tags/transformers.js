papersiteSearchData("tags/transformers", [1,1,1]);
