-- Every term the words index holds, so that a search's prefix word is
-- asked as the few whole terms it begins: FTS5 answers a prefix by merging
-- the doclists of its terms over the whole province before it can join the
-- scope word (3-18 ms for a common word at 1,000,000 letters), and whole
-- terms by seeking (0.3-0.7 ms). See db::letters::prefix_terms.
CREATE TABLE letters_fts_terms (term TEXT PRIMARY KEY) WITHOUT ROWID;

-- A letter's terms are read back from FTS5 itself, so they are its
-- tokenizer's to the byte: the text goes into a scratch index with the
-- same tokenizer as letters_fts (keep the two equal), its vocabulary is
-- added, and the scratch index is emptied again.
CREATE VIRTUAL TABLE letters_fts_scratch USING fts5(
    search_text, content='', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE letters_fts_scratch_terms USING fts5vocab(letters_fts_scratch, 'row');
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

-- The terms of the letters already indexed (a few seconds at 1,000,000).
CREATE VIRTUAL TABLE letters_fts_all_terms USING fts5vocab(letters_fts, 'row');
INSERT INTO letters_fts_terms (term) SELECT term FROM letters_fts_all_terms;
