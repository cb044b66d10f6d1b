-- The SMS dispatcher: who holds a lease on a message, what the gateway said,
-- every attempt, numbers that asked for no SMS, and editable templates.
ALTER TABLE notifications ADD COLUMN lease_owner TEXT;
ALTER TABLE notifications ADD COLUMN provider_status TEXT;
ALTER TABLE notifications ADD COLUMN delivered_at TIMESTAMP;

CREATE TABLE notification_attempts (
    id SERIAL PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications(id),
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX notification_attempts_notification ON notification_attempts(notification_id);

CREATE TABLE sms_opt_outs (
    mobile TEXT PRIMARY KEY NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
