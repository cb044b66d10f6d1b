DROP TABLE idempotency_keys;
DROP TABLE notifications;
DROP TABLE attachments;
DROP TABLE letter_events;
DROP TABLE deliveries;
DROP TABLE letters;
