-- Every instance's long-polling inbox readers wake when a delivery commits
-- on any instance: NOTIFY is sent on commit (and not at all on rollback).
-- One notification per agency per statement, so bulk inserts stay cheap.
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
