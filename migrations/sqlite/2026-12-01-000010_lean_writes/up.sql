-- Expired idempotency keys are swept by a periodic job across callers
-- (no longer per caller on each claim).
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
DROP INDEX idempotency_keys_age;
