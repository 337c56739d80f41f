papersiteSearchData("terms/sh", {"shazeer":[3,6],"short":[2,1],"show":[2,1]});
