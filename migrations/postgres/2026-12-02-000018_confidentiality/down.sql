DROP TABLE confidential_reads;
ALTER TABLE letters DROP COLUMN classification;
