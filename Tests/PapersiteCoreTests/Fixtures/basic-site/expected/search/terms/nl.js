papersiteSearchData("terms/nl", {"nlp":[3,4]});
