papersiteSearchData("terms/tw", {"two":[1,1]});
