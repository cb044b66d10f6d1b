DROP INDEX deliveries_letter_agency;
CREATE INDEX deliveries_letter_agency ON deliveries(letter_id, agency_id);
DROP INDEX letters_open_due;
CREATE INDEX letters_open_due ON letters(due_at, holder_agency_id) WHERE status IN ('delivered', 'received');
