-- PostgreSQL only (the GIN index of the search text writes through, without
-- a pending list): FTS5 has no such list. Kept so both histories match.
SELECT 1;
