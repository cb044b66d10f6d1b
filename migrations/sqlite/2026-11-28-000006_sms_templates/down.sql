ALTER TABLE deliveries DROP COLUMN overdue_notified_at;
DROP TABLE sms_templates;
