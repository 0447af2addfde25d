-- A payment's new state is announced on the channel `payment_state` by PostgreSQL itself, whatever
-- changed it (settlement by a bank or by support staff, expiry, cancellation, failure): NOTIFY is
-- delivered at commit and never for a rolled-back change, so the phone watching the payment hears of
-- exactly what was saved. Each API process LISTENs once (payments/live.py) and tells its own watchers.
CREATE FUNCTION payment_state_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('payment_state', json_build_object('id', NEW.id, 'state', NEW.state)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER payment_state_changed AFTER UPDATE OF state ON payments
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION payment_state_notify();
