DROP TABLE report_late_arrivals;
