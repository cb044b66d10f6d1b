-- Agencies and counter offices are deactivated, never deleted (nothing in
-- Chapar deletes them, and their ids never change), so the letters,
-- deliveries and events that name them cannot be left pointing nowhere.
-- These triggers make that a rule of the database, in place of the foreign
-- keys from the three tables every registration and referral writes: each
-- such key's check locks the agency's row FOR KEY SHARE, so all concurrent
-- registrations to an agency share one row lock (a new multixact for each
-- of them), measured at a tenth of a registration's cost on PostgreSQL.
-- The keys to letters stay; the directory's other referrers (users, API
-- clients, templates) are written rarely and keep theirs.
CREATE FUNCTION chapar_directory_never_deleted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are deactivated, never deleted or renumbered', TG_TABLE_NAME
        USING ERRCODE = 'foreign_key_violation';
END;
$$;

CREATE TRIGGER agencies_never_deleted
BEFORE DELETE OR TRUNCATE OR UPDATE OF id ON agencies
FOR EACH STATEMENT EXECUTE FUNCTION chapar_directory_never_deleted();

CREATE TRIGGER counter_offices_never_deleted
BEFORE DELETE OR TRUNCATE OR UPDATE OF id ON counter_offices
FOR EACH STATEMENT EXECUTE FUNCTION chapar_directory_never_deleted();

ALTER TABLE letters
    DROP CONSTRAINT letters_counter_office_id_fkey,
    DROP CONSTRAINT letters_recipient_agency_id_fkey,
    DROP CONSTRAINT letters_holder_agency_id_fkey,
    DROP CONSTRAINT letters_answer_agency_id_fkey;
ALTER TABLE deliveries
    DROP CONSTRAINT deliveries_agency_id_fkey,
    DROP CONSTRAINT deliveries_from_agency_id_fkey;
ALTER TABLE letter_events
    DROP CONSTRAINT letter_events_agency_id_fkey,
    DROP CONSTRAINT letter_events_to_agency_id_fkey;
