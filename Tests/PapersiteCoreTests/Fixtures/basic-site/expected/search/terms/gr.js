papersiteSearchData("terms/gr", {"graphs":[0,8]});
