papersiteSearchData("terms/ti", {"title":[2,1]});
