DROP TABLE holidays;
ALTER TABLE agencies DROP COLUMN sla_working_days;
