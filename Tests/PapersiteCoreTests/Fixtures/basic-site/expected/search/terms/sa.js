papersiteSearchData("terms/sa", {"same":[1,1]});
