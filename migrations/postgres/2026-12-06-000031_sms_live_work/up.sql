-- Indexes of the outbox, so that what the dispatcher and the outbox page
-- read costs the same however many messages were ever sent.
--
-- The dispatcher claims the oldest pending messages (`ORDER BY id` under
-- `LIMIT`). The planner, taking pending messages to be spread over the
-- table, walked the primary key from the first message ever sent and
-- filtered out every sent one (41,000 rows read to claim 20 at 10,000
-- letters, 11-15 ms, and more with every message sent); it does so by
-- `(status, id)` too. An index of the pending ones only is always the
-- cheapest walk.
CREATE INDEX notifications_pending ON notifications (id) WHERE status = 'pending';
-- The outbox page lists a status newest first: a page from this index in
-- order. Nothing orders by `next_attempt_at`, so it takes the place of
-- `(status, next_attempt_at)`.
CREATE INDEX notifications_status ON notifications (status, id);
DROP INDEX notifications_due;
-- Every 30 s the dispatcher asks the gateway about messages sent in the
-- last two days whose delivery is not known yet. By status that read every
-- message still marked sent, ever: with a gateway that sends no delivery
-- reports (the webhook), every message sent.
CREATE INDEX notifications_awaiting_report ON notifications (sent_at)
    WHERE status = 'sent' AND provider_message_id IS NOT NULL;
