papersiteSearchData("terms/im", {"improve":[1,1]});
