DROP TABLE letters_fts_all_terms;
DROP TRIGGER letters_fts_terms_update;
DROP TRIGGER letters_fts_terms_insert;
DROP TABLE letters_fts_scratch_terms;
DROP TABLE letters_fts_scratch;
DROP TABLE letters_fts_terms;
