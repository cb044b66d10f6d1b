-- How many times a referral brought a letter into an agency's dashboard
-- figures on a day that was over (shared::rollup::Rollup::late_arrivals).
-- An instance keeps an agency's registrations of past days summed until
-- this count moves (db::reports), so a year is read once, not per request.
CREATE TABLE report_late_arrivals (
    agency_id INTEGER PRIMARY KEY,
    n BIGINT NOT NULL
);
