DROP TABLE report_status_months;
