papersiteSearchData("terms/as", {"ashish":[3,6]});
