CREATE INDEX deliveries_letter ON deliveries(letter_id);
