papersiteSearchData("terms/yo", {"you":[3,8]});
