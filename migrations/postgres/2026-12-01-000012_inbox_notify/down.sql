DROP TRIGGER deliveries_notify_inbox ON deliveries;
DROP FUNCTION chapar_notify_inbox();
