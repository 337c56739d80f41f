papersiteSearchData("terms/st", {"steadily":[2,1]});
