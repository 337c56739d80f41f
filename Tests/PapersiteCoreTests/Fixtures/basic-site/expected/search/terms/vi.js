papersiteSearchData("terms/vi", {"vision":[1,8,1,9]});
