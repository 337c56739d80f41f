papersiteSearchData("terms/as", {"ashish":[0,6]});
