papersiteSearchData("terms/ht", {"https":[3,1]});
