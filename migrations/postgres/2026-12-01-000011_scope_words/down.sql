-- The scope words stay: they are harmless to a search that does not ask for them.
SELECT 1;
