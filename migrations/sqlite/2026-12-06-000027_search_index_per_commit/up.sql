-- The words index is written once per commit, not once per letter: FTS5
-- writes a new segment at every statement that follows a change (and the
-- writer's group commit runs each write in its own savepoint), and the
-- terms kept for prefix words were read back from a scratch index per
-- letter. Together that was a fifth of the writer thread's time per
-- registration. Now the triggers only note which letters changed and what
-- the index holds for them; db::letters::index_changed_letters brings the
-- index (and letters_fts_terms) up to date in one pass just before every
-- write transaction commits, so no reader ever sees a letter the index
-- does not yet hold.

-- A letter whose words the index does not hold yet. indexed_text is what
-- the index holds for it now (NULL: nothing), kept from the first change
-- since the last pass, so the index can be told exactly what to delete.
CREATE TABLE letters_search_changed (
    letter_id INTEGER PRIMARY KEY NOT NULL,
    indexed_text TEXT
);

DROP TRIGGER letters_fts_insert;
DROP TRIGGER letters_fts_update;
DROP TRIGGER letters_fts_delete;
DROP TRIGGER letters_fts_terms_insert;
DROP TRIGGER letters_fts_terms_update;

CREATE TRIGGER letters_search_insert AFTER INSERT ON letters BEGIN
    INSERT OR IGNORE INTO letters_search_changed (letter_id, indexed_text) VALUES (new.id, NULL);
END;
CREATE TRIGGER letters_search_update AFTER UPDATE OF search_text ON letters
WHEN new.search_text IS NOT old.search_text BEGIN
    INSERT OR IGNORE INTO letters_search_changed (letter_id, indexed_text) VALUES (new.id, old.search_text);
END;
CREATE TRIGGER letters_search_delete AFTER DELETE ON letters BEGIN
    INSERT OR IGNORE INTO letters_search_changed (letter_id, indexed_text) VALUES (old.id, old.search_text);
END;
