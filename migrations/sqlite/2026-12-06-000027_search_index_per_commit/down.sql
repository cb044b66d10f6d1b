DROP TRIGGER letters_search_insert;
DROP TRIGGER letters_search_update;
DROP TRIGGER letters_search_delete;
DROP TABLE letters_search_changed;
CREATE TRIGGER letters_fts_insert AFTER INSERT ON letters BEGIN
    INSERT INTO letters_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER letters_fts_delete AFTER DELETE ON letters BEGIN
    INSERT INTO letters_fts(letters_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER letters_fts_update AFTER UPDATE OF search_text ON letters BEGIN
    INSERT INTO letters_fts(letters_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO letters_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER letters_fts_terms_insert AFTER INSERT ON letters BEGIN
    INSERT INTO letters_fts_scratch(rowid, search_text) VALUES (new.id, new.search_text);
    INSERT OR IGNORE INTO letters_fts_terms (term) SELECT term FROM letters_fts_scratch_terms;
    INSERT INTO letters_fts_scratch(letters_fts_scratch) VALUES ('delete-all');
END;
CREATE TRIGGER letters_fts_terms_update AFTER UPDATE OF search_text ON letters BEGIN
    INSERT INTO letters_fts_scratch(rowid, search_text) VALUES (new.id, new.search_text);
    INSERT OR IGNORE INTO letters_fts_terms (term) SELECT term FROM letters_fts_scratch_terms;
    INSERT INTO letters_fts_scratch(letters_fts_scratch) VALUES ('delete-all');
END;
