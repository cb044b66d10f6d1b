-- An agency's dashboard counts its overdue letters as its backlog: letters
-- that are or were its work, not those it only got a copy of. The probe
-- "was this letter this agency's work?" reads is_copy from the index, and
-- the open letters by due date carry their id, so the count reads no row
-- of either table.
DROP INDEX deliveries_letter_agency;
CREATE INDEX deliveries_letter_agency ON deliveries(letter_id, agency_id, is_copy);
DROP INDEX letters_open_due;
CREATE INDEX letters_open_due ON letters(due_at, holder_agency_id, id) WHERE status IN ('delivered', 'received');
