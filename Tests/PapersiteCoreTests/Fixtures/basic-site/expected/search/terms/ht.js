papersiteSearchData("terms/ht", {"https":[0,1]});
