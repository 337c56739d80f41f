papersiteSearchData("tags/diffusion", [0]);
