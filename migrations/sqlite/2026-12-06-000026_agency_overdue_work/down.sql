DROP INDEX deliveries_letter_agency;
CREATE INDEX deliveries_letter_agency ON deliveries(letter_id, agency_id);
