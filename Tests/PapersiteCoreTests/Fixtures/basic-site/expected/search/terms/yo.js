papersiteSearchData("terms/yo", {"you":[0,8]});
