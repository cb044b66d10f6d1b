-- Copies (رونوشت): a letter's copy recipients get deliveries of their own,
-- marked `is_copy`. A copy is for information: it is acknowledged (which
-- files it, closing the delivery) and noted, never answered, referred or
-- rejected, and it has no deadline, so the overdue job and counts skip it.
ALTER TABLE deliveries ADD COLUMN is_copy BOOLEAN NOT NULL DEFAULT 0;
