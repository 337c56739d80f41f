papersiteSearchData("terms/gr", {"graphs":[3,8]});
