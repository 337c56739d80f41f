papersiteSearchData("terms/ja", {"jakob":[0,6]});
