papersiteSearchData("terms/mo", {"models":[0,1,3,8]});
