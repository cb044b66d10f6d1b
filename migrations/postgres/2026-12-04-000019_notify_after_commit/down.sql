CREATE INDEX deliveries_letter ON deliveries(letter_id);

CREATE FUNCTION chapar_notify_inbox() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chapar_inbox', agency_id::text)
    FROM (SELECT DISTINCT agency_id FROM delivered) AS agencies;
    RETURN NULL;
END;
$$;

CREATE TRIGGER deliveries_notify_inbox
AFTER INSERT ON deliveries
REFERENCING NEW TABLE AS delivered
FOR EACH STATEMENT EXECUTE FUNCTION chapar_notify_inbox();
