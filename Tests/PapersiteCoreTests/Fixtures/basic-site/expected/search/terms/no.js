papersiteSearchData("terms/no", {"noam":[0,6]});
