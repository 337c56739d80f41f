papersiteSearchData("tags/diffusion", [3]);
