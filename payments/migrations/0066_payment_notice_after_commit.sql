-- NOTIFY inside a transaction takes a database-wide lock that it holds until its commit has been flushed
-- to disk: notifying transactions commit one at a time, each waiting for its own flush, with no group
-- commit. On cloud disks (1-2 ms a flush) that caps every payment state change, delegation change and
-- campaign's progress together at some hundreds a second. A transaction that announces its payments'
-- new states itself once it has committed (a bank's callback, payments/callbacks.py: the busiest path)
-- sets citizen.payment_notice to 'after_commit'; every other path is announced by this trigger as before.
CREATE OR REPLACE FUNCTION payment_state_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('citizen.payment_notice', true) IS DISTINCT FROM 'after_commit' THEN
        PERFORM pg_notify('payment_state', json_build_object('id', NEW.id, 'state', NEW.state)::text);
    END IF;
    RETURN NULL;
END
$$;
