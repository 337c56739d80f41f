papersiteSearchData("terms/jo", {"jones":[3,6]});
