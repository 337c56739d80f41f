papersiteSearchData("terms/pe", {"per":[3,1]});
