DROP TABLE sms_opt_outs;
DROP TABLE notification_attempts;
ALTER TABLE notifications DROP COLUMN delivered_at;
ALTER TABLE notifications DROP COLUMN provider_status;
ALTER TABLE notifications DROP COLUMN lease_owner;
