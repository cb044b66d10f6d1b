-- Adds what is pending to the counters first (db::rollups::fold_pending),
-- so that going back loses no step's counts.
WITH taken AS (DELETE FROM report_pending RETURNING *),
counts AS (SELECT c.* FROM taken,
unnest(taken.counter, taken.scope_kind, taken.scope_id, taken.period, taken.kind,
taken.part, taken.ref_id, taken.n)
AS c(counter, scope_kind, scope_id, period, kind, part, ref_id, n)),
days AS (INSERT INTO report_days (scope_kind, scope_id, day, kind, shard, n)
SELECT scope_kind, scope_id, period, kind, part, CAST(SUM(n) AS BIGINT) FROM counts
WHERE counter = 1 GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (scope_kind, scope_id, day, kind, shard)
DO UPDATE SET n = report_days.n + excluded.n),
months AS (INSERT INTO report_status_months (scope_kind, scope_id, month, kind, shard, n)
SELECT scope_kind, scope_id, period, kind, part, CAST(SUM(n) AS BIGINT) FROM counts
WHERE counter = 2 GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (scope_kind, scope_id, month, kind, shard)
DO UPDATE SET n = report_status_months.n + excluded.n),
offices AS (INSERT INTO report_offices
(scope_kind, scope_id, grain, period, counter_office_id, n)
SELECT scope_kind, scope_id, CAST(part AS SMALLINT), period, ref_id,
CAST(SUM(n) AS BIGINT) FROM counts
WHERE counter = 3 GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (scope_kind, scope_id, grain, period, counter_office_id)
DO UPDATE SET n = report_offices.n + excluded.n),
backlog AS (INSERT INTO report_backlog
(scope_kind, scope_id, holder_agency_id, due_day, shard, n)
SELECT scope_kind, scope_id, ref_id, period, part, CAST(SUM(n) AS BIGINT) FROM counts
WHERE counter = 4 GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0 ORDER BY 1, 2, 3, 4, 5
ON CONFLICT (scope_kind, scope_id, holder_agency_id, due_day, shard)
DO UPDATE SET n = report_backlog.n + excluded.n)
SELECT COUNT(*) FROM taken;
DROP TABLE report_pending;
