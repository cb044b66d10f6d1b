DROP TABLE letter_relations;
