CREATE INDEX idempotency_keys_age ON idempotency_keys(principal, created_at);
DROP INDEX idempotency_keys_created;
