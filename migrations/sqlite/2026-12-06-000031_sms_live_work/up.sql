-- Indexes of the outbox, so that what the dispatcher and the outbox page
-- read costs the same however many messages were ever sent.
--
-- Messages by status in id order: the dispatcher's claim of the oldest
-- pending ones, and the outbox page's status newest first, each a walk of
-- the status's entries in order. Nothing orders by `next_attempt_at`, so it
-- takes the place of `(status, next_attempt_at)`. (PostgreSQL also has an
-- index of the pending messages alone, which its planner needs; SQLite's
-- takes this one without statistics.)
CREATE INDEX notifications_status ON notifications (status, id);
DROP INDEX notifications_due;
-- Every 30 s the dispatcher asks the gateway about messages sent in the
-- last two days whose delivery is not known yet. By status that read every
-- message still marked sent, ever: with a gateway that sends no delivery
-- reports (the webhook), every message sent.
CREATE INDEX notifications_awaiting_report ON notifications (sent_at)
    WHERE status = 'sent' AND provider_message_id IS NOT NULL;
