papersiteSearchData("terms/at", {"attention":[3,8]});
