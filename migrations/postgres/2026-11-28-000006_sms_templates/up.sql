-- Admin-edited SMS texts (the defaults live in the code), and the overdue
-- notice sent once per delivery that passes its due date.
CREATE TABLE sms_templates (
    kind TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
ALTER TABLE deliveries ADD COLUMN overdue_notified_at TIMESTAMP;
