papersiteSearchData("terms/ne", {"need":[3,8],"networks":[3,1]});
