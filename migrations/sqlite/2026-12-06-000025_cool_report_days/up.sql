-- The dashboard's day counters of a day that is over: the rows a letter's
-- moves left at zero go (SQLite keeps one shard already). Same counts. The
-- hourly job (db::rollups::cool_recent_days) keeps it so from here.
DELETE FROM report_days WHERE day < date('now', '-2 days') AND n = 0;
