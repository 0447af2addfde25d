-- NOTIFY inside a transaction takes a lock on "database 0", shared by every database of the server, and
-- holds it until its commit has been flushed to disk: notifying transactions commit one at a time, each
-- waiting for its own flush, with no group commit. On cloud disks (1-2 ms a flush) that caps every payment
-- state change, delegation change and campaign's progress together at some hundreds a second. A bank's
-- callback (payments/callbacks.py: the busiest path) announces its payment's success itself once it has
-- committed, and names that payment in citizen.payment_notice for the transaction; every other change,
-- of any other payment or to any other state, is announced by this trigger as before.
CREATE OR REPLACE FUNCTION payment_state_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (NEW.state = 'success' AND NEW.id::text = current_setting('citizen.payment_notice', true)) THEN
        PERFORM pg_notify('payment_state', json_build_object('id', NEW.id, 'state', NEW.state)::text);
    END IF;
    RETURN NULL;
END
$$;
