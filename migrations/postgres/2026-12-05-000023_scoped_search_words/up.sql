-- A words search of an office or an agency, newest first, at a cost that
-- does not grow with history. The GIN index of `search_tsv` yields the
-- letters with a word as an unordered set: a page of the newest 50 matches
-- fetched and sorted every match in the scope (1,665 letters for a common
-- surname at one office of 1,000,000 letters). Here each word of a letter
-- is kept once per scope word it has (its office, each agency it was
-- delivered to: shared::search::ScopeWord), ordered by letter, so a page
-- reads the newest entries of (scope, word) and stops
-- (db::letters::scoped_matches).
--
-- The rows follow the stored tsvector, so they hold the lexemes the GIN
-- index holds, kept by the database on every insert and on every change
-- of the search text (which only ever gains words). Numbers are left out
-- (a fifth of the rows): tracking and national codes are looked up
-- exactly, and a search by digits alone still asks the GIN index. Byte
-- order ("C") makes a prefix a range of the index whatever the database's
-- locale. No key to letters: a letter is never deleted, and a key's check
-- per word would cost a registration more than the rows themselves.
CREATE TABLE letter_words (
    scope TEXT COLLATE "C" NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    letter_id INTEGER NOT NULL,
    PRIMARY KEY (scope, word, letter_id)
);

-- The rows of a letter whose stored tsvector is `tsv` (also used by
-- `chapar seed`, which fills the table once after its load).
CREATE FUNCTION letter_words_of(tsv tsvector) RETURNS TABLE (scope TEXT, word TEXT)
LANGUAGE sql IMMUTABLE AS $$
    SELECT s, w FROM unnest(tsvector_to_array(tsv)) s, unnest(tsvector_to_array(tsv)) w
    WHERE left(s, 3) IN ('zzo', 'zza') AND left(w, 3) NOT IN ('zzo', 'zza') AND w !~ '^[0-9]+$'
$$;

-- A new letter's rows cannot conflict, so its insert skips the conflict
-- check a registration would otherwise pay for every row.
CREATE FUNCTION letter_words_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO letter_words (scope, word, letter_id)
        SELECT o.scope, o.word, NEW.id FROM letter_words_of(NEW.search_tsv) o;
    ELSIF NEW.search_tsv IS DISTINCT FROM OLD.search_tsv THEN
        INSERT INTO letter_words (scope, word, letter_id)
        SELECT o.scope, o.word, NEW.id FROM letter_words_of(NEW.search_tsv) o
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

-- AFTER: the generated `search_tsv` is computed by then.
CREATE TRIGGER letters_words AFTER INSERT OR UPDATE OF search_text ON letters
    FOR EACH ROW EXECUTE FUNCTION letter_words_kept();

INSERT INTO letter_words (scope, word, letter_id)
SELECT o.scope, o.word, l.id FROM letters l, letter_words_of(l.search_tsv) o;
