ALTER TABLE letter_events
    ADD CONSTRAINT letter_events_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES agencies(id),
    ADD CONSTRAINT letter_events_to_agency_id_fkey FOREIGN KEY (to_agency_id) REFERENCES agencies(id);
ALTER TABLE deliveries
    ADD CONSTRAINT deliveries_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES agencies(id),
    ADD CONSTRAINT deliveries_from_agency_id_fkey FOREIGN KEY (from_agency_id) REFERENCES agencies(id);
ALTER TABLE letters
    ADD CONSTRAINT letters_counter_office_id_fkey FOREIGN KEY (counter_office_id) REFERENCES counter_offices(id),
    ADD CONSTRAINT letters_recipient_agency_id_fkey FOREIGN KEY (recipient_agency_id) REFERENCES agencies(id),
    ADD CONSTRAINT letters_holder_agency_id_fkey FOREIGN KEY (holder_agency_id) REFERENCES agencies(id),
    ADD CONSTRAINT letters_answer_agency_id_fkey FOREIGN KEY (answer_agency_id) REFERENCES agencies(id);
DROP TRIGGER counter_offices_never_deleted ON counter_offices;
DROP TRIGGER agencies_never_deleted ON agencies;
DROP FUNCTION chapar_directory_never_deleted();
