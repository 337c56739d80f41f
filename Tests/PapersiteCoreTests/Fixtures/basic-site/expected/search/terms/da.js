papersiteSearchData("terms/da", {"data":[3,1]});
