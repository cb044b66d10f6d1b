DROP INDEX letters_search;
DROP INDEX notifications_mobile_sent;
DROP INDEX letters_national_id;
CREATE INDEX letters_national_id ON letters(applicant_national_id);
DROP INDEX deliveries_letter_agency;
DROP INDEX deliveries_overdue_unnotified;
DROP INDEX deliveries_inbox_open;
DROP INDEX deliveries_inbox_due;
DROP INDEX deliveries_inbox_new;
