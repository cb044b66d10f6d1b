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

-- Words search: a GIN index over the 'simple' tsvector of the
-- Persian-normalised search text. Not pg_trgm: its word characters follow
-- the database's locale and a C-locale database extracts no trigrams from
-- Persian text, while the text-search parser treats every non-ASCII letter
-- as a word character in any locale; words are prefix-matched (`:*`).
CREATE INDEX letters_search ON letters USING gin (to_tsvector('simple', search_text));
