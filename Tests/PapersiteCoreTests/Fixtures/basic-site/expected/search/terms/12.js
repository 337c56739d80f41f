papersiteSearchData("terms/12", {"12":[3,1]});
