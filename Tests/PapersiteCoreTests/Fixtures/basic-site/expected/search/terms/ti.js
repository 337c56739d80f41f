papersiteSearchData("terms/ti", {"title":[1,1]});
