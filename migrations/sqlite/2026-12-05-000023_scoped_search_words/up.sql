-- PostgreSQL only (the words of each letter by scope, for the GIN index's
-- unordered answers); SQLite's FTS5 index is asked for the scope word
-- beside the words, and reads its matches newest first. Kept so both
-- histories match.
SELECT 1;
