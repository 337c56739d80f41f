papersiteSearchData("terms/de", {"denoising":[0,9]});
