ALTER TABLE deliveries DROP COLUMN is_copy;
