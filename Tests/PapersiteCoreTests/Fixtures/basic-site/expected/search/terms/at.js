papersiteSearchData("terms/at", {"attention":[0,8]});
