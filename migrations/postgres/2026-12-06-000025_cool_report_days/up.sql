-- The dashboard's day counters of a day that is over are no longer hot
-- (shared::rollup::hot_since): each count keeps one row, in shard 0, not
-- four, and the rows a letter's moves left at zero go. Same counts; a year
-- of a scope's statuses is then a quarter of the rows. Steps and the
-- hourly job (db::rollups::cool_recent_days) keep it so from here.
WITH moved AS (
    DELETE FROM report_days WHERE day < current_date - 2 AND shard <> 0
    RETURNING scope_kind, scope_id, day, kind, n
)
INSERT INTO report_days (scope_kind, scope_id, day, kind, shard, n)
SELECT scope_kind, scope_id, day, kind, 0, CAST(SUM(n) AS BIGINT) FROM moved
GROUP BY scope_kind, scope_id, day, kind
ON CONFLICT (scope_kind, scope_id, day, kind, shard) DO UPDATE SET n = report_days.n + excluded.n;

DELETE FROM report_days WHERE day < current_date - 2 AND n = 0;
