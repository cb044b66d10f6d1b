ALTER TABLE notifications RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
ALTER TABLE letters RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
ALTER TABLE deliveries RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor);
CREATE INDEX deliveries_inbox_new ON deliveries(agency_id, acknowledged_at, id) WHERE closed_at IS NULL;
DROP INDEX deliveries_inbox_unacked;
