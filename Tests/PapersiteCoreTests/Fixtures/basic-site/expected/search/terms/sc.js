papersiteSearchData("terms/sc", {"scale":[1,1],"scaling":[1,8,1,8]});
