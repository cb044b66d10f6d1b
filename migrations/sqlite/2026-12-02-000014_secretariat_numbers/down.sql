DROP TABLE agency_reference_counters;
ALTER TABLE deliveries DROP COLUMN agency_reference_date;
ALTER TABLE agencies DROP COLUMN reference_pattern;
