papersiteSearchData("terms/da", {"data":[0,1]});
