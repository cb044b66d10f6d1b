-- SQLite only (its FTS5 words index is written once per commit); the
-- GIN index writes through. Kept so both histories match.
SELECT 1;
