papersiteSearchData("terms/ad", {"adapt":[3,1]});
