-- The dashboard's day, status-month and backlog counts in one row each
-- (shard 0): since steps leave them pending for one fold to add
-- (000032), no two registrations wait on a counter row's lock, and the
-- four rows a count was split over only made a dashboard sum four times
-- the rows (at 1,000,000 letters the province's backlog was 2,408 rows).
-- The inboxes' new counts, which every step still adds to, stay split.
WITH moved AS (
    DELETE FROM report_days WHERE shard <> 0
    RETURNING scope_kind, scope_id, day, kind, n
)
INSERT INTO report_days (scope_kind, scope_id, day, kind, shard, n)
SELECT scope_kind, scope_id, day, kind, 0, CAST(SUM(n) AS BIGINT) FROM moved
GROUP BY scope_kind, scope_id, day, kind
ON CONFLICT (scope_kind, scope_id, day, kind, shard) DO UPDATE SET n = report_days.n + excluded.n;

WITH moved AS (
    DELETE FROM report_status_months WHERE shard <> 0
    RETURNING scope_kind, scope_id, month, kind, n
)
INSERT INTO report_status_months (scope_kind, scope_id, month, kind, shard, n)
SELECT scope_kind, scope_id, month, kind, 0, CAST(SUM(n) AS BIGINT) FROM moved
GROUP BY scope_kind, scope_id, month, kind
ON CONFLICT (scope_kind, scope_id, month, kind, shard)
DO UPDATE SET n = report_status_months.n + excluded.n;

WITH moved AS (
    DELETE FROM report_backlog WHERE shard <> 0
    RETURNING scope_kind, scope_id, holder_agency_id, due_day, n
)
INSERT INTO report_backlog (scope_kind, scope_id, holder_agency_id, due_day, shard, n)
SELECT scope_kind, scope_id, holder_agency_id, due_day, 0, CAST(SUM(n) AS BIGINT) FROM moved
GROUP BY scope_kind, scope_id, holder_agency_id, due_day
ON CONFLICT (scope_kind, scope_id, holder_agency_id, due_day, shard)
DO UPDATE SET n = report_backlog.n + excluded.n;

-- Rows letters' moves left at zero count nothing (a step writes one again).
DELETE FROM report_days WHERE n = 0;
DELETE FROM report_status_months WHERE n = 0;
DELETE FROM report_backlog WHERE n = 0;
