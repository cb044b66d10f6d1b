-- Deliveries are announced to the other instances after their commit, by
-- the instance that made them (api/src/notify.rs): a NOTIFY inside the
-- delivering transaction takes PostgreSQL's cluster-wide notify lock until
-- its commit ends, so every registration and referral committed one after
-- another.
DROP TRIGGER deliveries_notify_inbox ON deliveries;
DROP FUNCTION chapar_notify_inbox();

-- Covered by deliveries_letter_agency (letter_id, agency_id); one index
-- fewer to write per delivery.
DROP INDEX deliveries_letter;
