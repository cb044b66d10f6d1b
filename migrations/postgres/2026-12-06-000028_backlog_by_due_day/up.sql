-- The dashboard's open letters per holder, now also per due day (the UTC
-- day of the letter's due date; 9999-12-31 for none, 2000-01-01 for the
-- days long past that the hourly job folds together; see shared::rollup).
-- A report counts as overdue the rows of the days before today and reads
-- only the letters due earlier today, not every overdue letter of history.
DROP TABLE report_backlog;
CREATE TABLE report_backlog (
    scope_kind SMALLINT NOT NULL,
    scope_id INTEGER NOT NULL,
    holder_agency_id INTEGER NOT NULL,
    due_day DATE NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, holder_agency_id, due_day, shard)
);
-- Counted again at the next start (db::rollups::ensure_built).
DELETE FROM report_rollups_built;
