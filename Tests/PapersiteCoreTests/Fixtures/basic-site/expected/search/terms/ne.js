papersiteSearchData("terms/ne", {"need":[0,8],"networks":[0,1]});
