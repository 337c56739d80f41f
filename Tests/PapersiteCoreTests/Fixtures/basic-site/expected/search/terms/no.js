papersiteSearchData("terms/no", {"noam":[3,6]});
