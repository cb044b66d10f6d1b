-- What an agency system polls, unacknowledged deliveries, in an index of
-- their own: walked in id order to the page, counted from its entries only.
CREATE INDEX deliveries_inbox_unacked ON deliveries(agency_id, id)
    WHERE closed_at IS NULL AND acknowledged_at IS NULL;
DROP INDEX deliveries_inbox_new;
