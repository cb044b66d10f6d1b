DROP TABLE report_backlog;
CREATE TABLE report_backlog (
    scope_kind SMALLINT NOT NULL,
    scope_id INTEGER NOT NULL,
    holder_agency_id INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_kind, scope_id, holder_agency_id, shard)
) WITHOUT ROWID;
DELETE FROM report_rollups_built;
