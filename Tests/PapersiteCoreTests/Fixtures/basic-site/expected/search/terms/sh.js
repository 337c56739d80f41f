papersiteSearchData("terms/sh", {"shazeer":[0,6],"short":[1,1],"show":[1,1]});
