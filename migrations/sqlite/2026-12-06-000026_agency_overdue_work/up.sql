-- An agency's dashboard counts its overdue letters as its backlog: letters
-- that are or were its work, not those it only got a copy of. The probe
-- "was this letter this agency's work?" reads is_copy from the index.
-- (SQLite's letters_open_due holds the letter's id already.)
DROP INDEX deliveries_letter_agency;
CREATE INDEX deliveries_letter_agency ON deliveries(letter_id, agency_id, is_copy);
