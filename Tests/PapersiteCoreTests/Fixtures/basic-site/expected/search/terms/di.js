papersiteSearchData("terms/di", {"diff":[3,1],"diffusion":[3,13]});
