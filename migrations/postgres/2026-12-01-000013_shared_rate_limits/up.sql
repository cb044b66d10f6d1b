-- Rate limit counters every instance shares (see auth/rate_limit.rs): one
-- row per bucket (kind, ip or name) per minute, swept after two minutes.
-- UNLOGGED: counters need no crash safety, and skip the WAL (and replicas).
CREATE UNLOGGED TABLE rate_limit_windows (
    bucket TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limit_windows_start ON rate_limit_windows(window_start);
