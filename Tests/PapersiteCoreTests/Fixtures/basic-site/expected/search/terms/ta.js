papersiteSearchData("terms/ta", {"tab":[0,1],"tables":[0,8],"tabular":[0,1],"tasks":[0,1]});
