-- Related letters: a letter names earlier letters of the same applicant it
-- follows up (پیرو) or refers to (عطف). Read from both ends: the letter's
-- own relations by its key, the later letters naming one by the index.
CREATE TABLE letter_relations (
    letter_id INTEGER NOT NULL REFERENCES letters (id),
    related_letter_id INTEGER NOT NULL REFERENCES letters (id),
    relation TEXT NOT NULL,
    PRIMARY KEY (letter_id, related_letter_id)
);
CREATE INDEX letter_relations_related ON letter_relations (related_letter_id);
