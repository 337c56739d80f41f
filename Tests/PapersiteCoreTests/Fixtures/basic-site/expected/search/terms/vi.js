papersiteSearchData("terms/vi", {"vision":[1,9,1,8]});
