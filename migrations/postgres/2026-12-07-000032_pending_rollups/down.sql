DROP TABLE report_pending;
