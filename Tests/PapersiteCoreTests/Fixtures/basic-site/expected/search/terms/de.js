papersiteSearchData("terms/de", {"denoising":[3,9]});
