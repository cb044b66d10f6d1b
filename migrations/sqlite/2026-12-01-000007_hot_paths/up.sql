-- Hot paths that must not grow with history (issue: cost that does not grow
-- with history). Open deliveries are a small, bounded set however many
-- letters were ever written, so the inbox's pages and counts and the overdue
-- job read partial indexes of open deliveries only.
CREATE INDEX deliveries_inbox_new ON deliveries(agency_id, acknowledged_at, id) WHERE closed_at IS NULL;
CREATE INDEX deliveries_inbox_due ON deliveries(agency_id, due_at, id) WHERE closed_at IS NULL;
CREATE INDEX deliveries_inbox_open ON deliveries(agency_id, id) WHERE closed_at IS NULL;
CREATE INDEX deliveries_overdue_unnotified ON deliveries(due_at, id)
    WHERE closed_at IS NULL AND overdue_notified_at IS NULL;
-- "Is this letter (or was it) at agency X": one probe per letter.
CREATE INDEX deliveries_letter_agency ON deliveries(letter_id, agency_id);
-- An applicant's letters, newest first.
DROP INDEX letters_national_id;
CREATE INDEX letters_national_id ON letters(applicant_national_id, id);
-- The dashboard: GROUP BY over the period's registrations and answers, and
-- the open letters now (a bounded set: only letters an agency still holds).
CREATE INDEX letters_created ON letters(created_at, status, counter_office_id);
CREATE INDEX letters_answered ON letters(answered_at, answer_agency_id) WHERE answered_at IS NOT NULL;
CREATE INDEX letters_open ON letters(holder_agency_id, due_at) WHERE status IN ('delivered', 'received');
-- Expired idempotency keys of a caller, removed on each of its registrations.
CREATE INDEX idempotency_keys_age ON idempotency_keys(principal, created_at);
-- The SMS hourly cap: messages sent to one number since an instant.
CREATE INDEX notifications_mobile_sent ON notifications(mobile, sent_at);

-- Words search: FTS5 over the Persian-normalised search text, kept in step
-- by triggers (unicode61 splits on what is not a letter or digit, ZWNJ too).
CREATE VIRTUAL TABLE letters_fts USING fts5(
    search_text, content='letters', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO letters_fts(letters_fts) VALUES ('rebuild');
CREATE TRIGGER letters_fts_insert AFTER INSERT ON letters BEGIN
    INSERT INTO letters_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER letters_fts_delete AFTER DELETE ON letters BEGIN
    INSERT INTO letters_fts(letters_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER letters_fts_update AFTER UPDATE OF search_text ON letters BEGIN
    INSERT INTO letters_fts(letters_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO letters_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
