papersiteSearchData("terms/di", {"diff":[0,1],"diffusion":[0,13]});
