papersiteSearchData("terms/sc", {"scale":[2,1],"scaling":[1,8,1,8]});
