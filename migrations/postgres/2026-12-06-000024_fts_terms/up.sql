-- SQLite only (the terms of its FTS5 index, for prefix words); PostgreSQL
-- reads the lexemes a word begins from letter_words (migration 000023).
-- Kept so both histories match.
SELECT 1;
