papersiteSearchData("tags/nlp", [3]);
