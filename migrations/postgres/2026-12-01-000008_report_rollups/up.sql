-- The dashboard's running counts (see shared::rollup): kept in step by each
-- workflow step's transaction, so a report over a year of the province reads
-- a few thousand rows, not the letters. scope_kind 0 = the province
-- (scope_id 0), 1 = an agency (scope_id = agency id); grain 0 = day rows,
-- 1 = month rows (period = the month's first day).
CREATE TABLE report_days (
    scope_kind SMALLINT NOT NULL,
    scope_id INTEGER NOT NULL,
    day DATE NOT NULL,
    kind TEXT NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, day, kind, shard)
);
CREATE TABLE report_offices (
    scope_kind SMALLINT NOT NULL,
    scope_id INTEGER NOT NULL,
    grain SMALLINT NOT NULL,
    period DATE NOT NULL,
    counter_office_id INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, grain, period, counter_office_id)
);
CREATE TABLE report_answers (
    scope_kind SMALLINT NOT NULL,
    scope_id INTEGER NOT NULL,
    grain SMALLINT NOT NULL,
    period DATE NOT NULL,
    agency_id INTEGER NOT NULL,
    answered BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    -- Answer-time histogram: (tenths of an hour u32 LE, answers u32 LE) pairs.
    hours BYTEA NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, grain, period, agency_id)
);
CREATE TABLE report_backlog (
    scope_kind SMALLINT NOT NULL,
    scope_id INTEGER NOT NULL,
    holder_agency_id INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, holder_agency_id, shard)
);
-- One row once the rollups hold every letter: a database that had letters
-- before this migration is counted once at startup (db::reports::ensure_rollups).
CREATE TABLE report_rollups_built (
    id INTEGER PRIMARY KEY,
    built_at TIMESTAMP NOT NULL
);
INSERT INTO report_rollups_built (id, built_at)
    SELECT 1, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM letters);
-- Overdue letters among the open ones, per holder, counted at report time.
CREATE INDEX letters_open_due ON letters(due_at, holder_agency_id) WHERE status IN ('delivered', 'received');
-- An office's own dashboard reads its letters by registration and answer time.
CREATE INDEX letters_office_created ON letters(counter_office_id, created_at);
CREATE INDEX letters_office_answered ON letters(counter_office_id, answered_at) WHERE answered_at IS NOT NULL;
-- The old dashboard's indexes: the period's letters are no longer grouped
-- one by one (and a status in an index is rewritten at every step).
DROP INDEX letters_answered;
DROP INDEX letters_created;
CREATE INDEX letters_created ON letters(created_at);
-- Words search: the tsvector stored, so walking the newest letters to fill
-- a page of a common word tests each one without re-parsing its text (and
-- the planner keeps statistics of its words, see letters::list_letters).
ALTER TABLE letters ADD COLUMN search_tsv tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
DROP INDEX letters_search;
CREATE INDEX letters_search ON letters USING gin (search_tsv);
