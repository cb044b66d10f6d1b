-- What an agency system polls, unacknowledged deliveries, in an index of
-- their own: the planner walks it in id order and stops at the page (with
-- `acknowledged_at` as a column of a wider index it misjudged the rows and
-- sorted the whole backlog), and the count reads only its entries.
CREATE INDEX deliveries_inbox_unacked ON deliveries(agency_id, id)
    WHERE closed_at IS NULL AND acknowledged_at IS NULL;
DROP INDEX deliveries_inbox_new;
-- The hot tables are vacuumed after a small share of new rows (not the
-- default 20 %), so the visibility map stays current and the inbox counts
-- and the overdue count stay index-only instead of visiting every new row.
ALTER TABLE deliveries SET (
    autovacuum_vacuum_insert_scale_factor = 0.005,
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_analyze_scale_factor = 0.01
);
ALTER TABLE letters SET (
    autovacuum_vacuum_insert_scale_factor = 0.005,
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_analyze_scale_factor = 0.01
);
ALTER TABLE notifications SET (
    autovacuum_vacuum_insert_scale_factor = 0.005,
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_analyze_scale_factor = 0.01
);
