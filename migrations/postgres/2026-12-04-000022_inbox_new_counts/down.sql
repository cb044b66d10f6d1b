DROP INDEX deliveries_inbox_overdue;
DROP TABLE inbox_new;
