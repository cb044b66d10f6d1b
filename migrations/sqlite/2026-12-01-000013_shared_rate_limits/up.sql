-- PostgreSQL only (shared rate limit counters): SQLite's one process counts
-- in memory. Kept so both histories match.
SELECT 1;
