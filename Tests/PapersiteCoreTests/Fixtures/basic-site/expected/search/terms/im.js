papersiteSearchData("terms/im", {"improve":[2,1]});
