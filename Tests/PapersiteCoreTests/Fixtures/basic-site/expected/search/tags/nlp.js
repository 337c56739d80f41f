papersiteSearchData("tags/nlp", [0]);
