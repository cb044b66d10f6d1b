-- How many deliveries of an agency are new (open, not yet acknowledged):
-- kept by each step that delivers, acknowledges or closes one, in its own
-- transaction (shared::rollup::Rollup::inbox), so that a poll reads an
-- agency's four rows instead of counting its whole backlog. Four rows, by
-- delivery id, so that concurrent registrations to one agency do not queue
-- on one row's lock.
CREATE TABLE inbox_new (
    agency_id INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (agency_id, shard)
);
INSERT INTO inbox_new (agency_id, shard, n)
    SELECT agency_id, id % 4, COUNT(*) FROM deliveries
    WHERE closed_at IS NULL AND acknowledged_at IS NULL
    GROUP BY agency_id, id % 4;
-- The overdue count: an agency's open originals by due date, counted from
-- the index alone (deliveries_inbox_due holds copies too, and telling them
-- apart read every row). The filter's columns are in it too: SQLite reads
-- a partial index alone only when it holds every column the query names.
CREATE INDEX deliveries_inbox_overdue ON deliveries(agency_id, due_at, closed_at, is_copy)
    WHERE closed_at IS NULL AND NOT is_copy;
-- The dashboard's rollups are counted again at the next start
-- (db::rollups::ensure_built): copies no longer count in the figures of the
-- agency they inform, and the rows kept so far counted some and not others.
DELETE FROM report_rollups_built;
