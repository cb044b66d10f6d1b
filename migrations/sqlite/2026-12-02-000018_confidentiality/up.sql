-- Confidentiality (طبقه‌بندی): a confidential letter's subject, body and
-- files are for the registering office, the holding agency and admins, and
-- every read of them is recorded here with who and when. Admins list the
-- reads of one letter (by the index) or all of them, newest first.
ALTER TABLE letters ADD COLUMN classification TEXT NOT NULL DEFAULT 'normal';
CREATE TABLE confidential_reads (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    letter_id INTEGER NOT NULL REFERENCES letters (id),
    at TIMESTAMP NOT NULL,
    -- A username, `client:<id>`, or `applicant` (the public tracking page).
    actor TEXT NOT NULL,
    -- `letter` (its detail), `file` (an attachment) or `tracking`.
    what TEXT NOT NULL,
    attachment_id INTEGER REFERENCES attachments (id)
);
CREATE INDEX confidential_reads_letter ON confidential_reads (letter_id, id);
