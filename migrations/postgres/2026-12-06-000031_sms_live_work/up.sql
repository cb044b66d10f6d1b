-- Indexes of the outbox's live work, so the dispatcher's reads cost the
-- same however many messages were ever sent.
--
-- The dispatcher claims the oldest pending messages (`ORDER BY id` under
-- `LIMIT`). Without an index of pending messages in id order, PostgreSQL
-- walked the primary key from the first message ever sent and filtered out
-- every sent one: 41,000 rows read to claim 20 at 10,000 letters, and more
-- with every message sent.
CREATE INDEX notifications_pending ON notifications (id) WHERE status = 'pending';
-- Every 30 s it asks the gateway about messages sent in the last two days
-- whose delivery is not known yet. By `notifications_due` that read every
-- message still marked sent, ever: with a gateway that sends no delivery
-- reports (the webhook), every message sent.
CREATE INDEX notifications_awaiting_report ON notifications (sent_at)
    WHERE status = 'sent' AND provider_message_id IS NOT NULL;
