DROP INDEX notifications_awaiting_report;
DROP INDEX notifications_pending;
