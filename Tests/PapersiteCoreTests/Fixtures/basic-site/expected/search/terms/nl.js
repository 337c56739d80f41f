papersiteSearchData("terms/nl", {"nlp":[0,4]});
