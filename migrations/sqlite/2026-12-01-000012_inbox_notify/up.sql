-- PostgreSQL only (a NOTIFY trigger on deliveries): SQLite has one process,
-- whose in-process notifier wakes its readers. Kept so both histories match.
SELECT 1;
