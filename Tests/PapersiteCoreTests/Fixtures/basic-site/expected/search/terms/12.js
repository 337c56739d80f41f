papersiteSearchData("terms/12", {"12":[0,1]});
