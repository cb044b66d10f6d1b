-- Letters, their deliveries to agencies, their hash-chained history, their
-- attachments, the applicant's SMS outbox, and idempotency records.
CREATE TABLE letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    tracking_code TEXT NOT NULL UNIQUE,
    counter_office_id INTEGER NOT NULL REFERENCES counter_offices(id),
    registered_by TEXT NOT NULL,
    applicant_kind TEXT NOT NULL,
    applicant_national_id TEXT NOT NULL,
    applicant_first_name TEXT,
    applicant_last_name TEXT,
    applicant_father_name TEXT,
    applicant_organization_name TEXT,
    applicant_representative_name TEXT,
    applicant_mobile TEXT NOT NULL,
    applicant_postal_code TEXT,
    applicant_address TEXT,
    applicant_reference TEXT,
    recipient_agency_id INTEGER NOT NULL REFERENCES agencies(id),
    holder_agency_id INTEGER NOT NULL REFERENCES agencies(id),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    priority TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    due_at TIMESTAMP,
    answer_body TEXT,
    answer_agency_id INTEGER REFERENCES agencies(id),
    answered_at TIMESTAMP,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX letters_office ON letters(counter_office_id, id);
CREATE INDEX letters_holder ON letters(holder_agency_id, id);
CREATE INDEX letters_national_id ON letters(applicant_national_id);

-- One row each time a letter is placed in an agency's inbox. It stays in the
-- inbox until acknowledged (at-least-once delivery); `closed_at` is set when
-- the letter leaves the agency (referred, answered, rejected, withdrawn).
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    letter_id INTEGER NOT NULL REFERENCES letters(id),
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    from_agency_id INTEGER REFERENCES agencies(id),
    delivered_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT,
    agency_reference TEXT,
    closed_at TIMESTAMP
);
CREATE INDEX deliveries_agency ON deliveries(agency_id, id);
CREATE INDEX deliveries_letter ON deliveries(letter_id);

-- Append-only history; each event carries the hash of the previous one.
CREATE TABLE letter_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    letter_id INTEGER NOT NULL REFERENCES letters(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    actor TEXT NOT NULL,
    agency_id INTEGER REFERENCES agencies(id),
    to_agency_id INTEGER REFERENCES agencies(id),
    note TEXT NOT NULL DEFAULT '',
    internal BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (letter_id, seq)
);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    letter_id INTEGER NOT NULL REFERENCES letters(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    uploaded_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_letter ON attachments(letter_id);

-- The SMS outbox: written in the same transaction as the event it reports.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    letter_id INTEGER NOT NULL REFERENCES letters(id),
    event_kind TEXT NOT NULL,
    mobile TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    leased_until TIMESTAMP,
    last_error TEXT,
    provider_message_id TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_due ON notifications(status, next_attempt_at);
CREATE INDEX notifications_letter ON notifications(letter_id);

-- A retried POST with the same key answers the first response.
CREATE TABLE idempotency_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    principal TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER,
    response_body TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (principal, idem_key)
);
