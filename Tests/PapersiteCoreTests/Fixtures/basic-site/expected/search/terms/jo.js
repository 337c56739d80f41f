papersiteSearchData("terms/jo", {"jones":[0,6]});
