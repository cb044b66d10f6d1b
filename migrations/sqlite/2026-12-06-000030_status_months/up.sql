-- Letters registered per month by their status now (shared::rollup: the
-- sum of the month's day rows of report_days), so a dashboard over a year
-- reads a dozen rows per status and the days at its ends, not one row per
-- day and status. Keyed and split over shards as the day rows are.
CREATE TABLE report_status_months (
    scope_kind SMALLINT NOT NULL,
    scope_id INTEGER NOT NULL,
    month DATE NOT NULL,
    kind TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, month, kind, shard)
) WITHOUT ROWID;
-- Counted at the next start (db::rollups::ensure_built).
DELETE FROM report_rollups_built;
