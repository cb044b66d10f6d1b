DROP TABLE counter_offices;
DROP TABLE agencies;
