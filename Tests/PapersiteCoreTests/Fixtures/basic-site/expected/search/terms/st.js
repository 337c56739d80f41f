papersiteSearchData("terms/st", {"steadily":[1,1]});
