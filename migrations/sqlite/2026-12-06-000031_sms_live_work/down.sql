DROP INDEX notifications_awaiting_report;
CREATE INDEX notifications_due ON notifications(status, next_attempt_at);
DROP INDEX notifications_status;
