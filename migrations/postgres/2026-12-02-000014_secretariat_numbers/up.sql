-- Secretariat numbers: the day an agency registered a letter under its own
-- number, and the agencies that let Chapar number their incoming letters
-- from a counter of their own (one row per agency and Jalali year, updated
-- in the acknowledgement's transaction, so a number is never skipped).
ALTER TABLE agencies ADD COLUMN reference_pattern TEXT;
ALTER TABLE deliveries ADD COLUMN agency_reference_date DATE;
CREATE TABLE agency_reference_counters (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year INTEGER NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year)
);
