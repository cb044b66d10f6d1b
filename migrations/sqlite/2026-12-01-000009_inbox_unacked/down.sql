CREATE INDEX deliveries_inbox_new ON deliveries(agency_id, acknowledged_at, id) WHERE closed_at IS NULL;
DROP INDEX deliveries_inbox_unacked;
