papersiteSearchData("terms/ad", {"adapt":[0,1]});
