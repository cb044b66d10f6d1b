-- Covered by deliveries_letter_agency (letter_id, agency_id); one index
-- fewer to write per delivery. (The PostgreSQL migration of this name also
-- drops the NOTIFY trigger SQLite never had.)
DROP INDEX deliveries_letter;
