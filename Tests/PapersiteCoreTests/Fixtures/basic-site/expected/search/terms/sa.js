papersiteSearchData("terms/sa", {"same":[2,1]});
