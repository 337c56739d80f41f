papersiteSearchData("terms/ta", {"tab":[3,1],"tables":[3,8],"tabular":[3,1],"tasks":[3,1]});
