papersiteSearchData("terms/mo", {"models":[0,8,3,1]});
