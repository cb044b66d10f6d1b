-- SQLite only: nothing to undo here.
SELECT 1;
