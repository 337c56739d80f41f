papersiteSearchData("terms/pe", {"per":[0,1]});
