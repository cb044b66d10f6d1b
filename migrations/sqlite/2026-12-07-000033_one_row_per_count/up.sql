-- PostgreSQL only (SQLite's counts were always one row each). Kept so both
-- histories match.
SELECT 1;
