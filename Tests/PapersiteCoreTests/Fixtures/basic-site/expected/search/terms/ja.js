papersiteSearchData("terms/ja", {"jakob":[3,6]});
