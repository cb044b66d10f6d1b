-- The dashboard counters' changes of committed steps, not yet added to the
-- rollups: one row per step, its counter rows as parallel arrays
-- (db::rollups::PendingRows), added up and removed by
-- db::rollups::fold_pending twice a second and before each dashboard.
-- Every registration of a day adds to the same few counter rows, and
-- upserting them in the step's own transaction was a third of a
-- registration's time in PostgreSQL (11 rows in 4 statements, planned on
-- every call, their locks held to the commit); a plain insert into a table
-- without a key or an index is a fraction of that. No key: the fold takes
-- the whole table with one `DELETE ... RETURNING`.
--
-- `counter`: 1 report_days (period = day, part = shard), 2
-- report_status_months (period = month, part = shard), 3 report_offices
-- (part = grain, ref_id = counter office), 4 report_backlog (period =
-- due day, part = shard, ref_id = holder agency); `kind` is empty but for
-- days and months.
CREATE TABLE report_pending (
    counter SMALLINT[] NOT NULL,
    scope_kind SMALLINT[] NOT NULL,
    scope_id INTEGER[] NOT NULL,
    period DATE[] NOT NULL,
    kind TEXT[] NOT NULL,
    part INTEGER[] NOT NULL,
    ref_id INTEGER[] NOT NULL,
    n BIGINT[] NOT NULL
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000);
