-- A grant's change announced to both of its people when it commits, for the screens waiting on it (the
-- citizen's phone waiting for a counter's request or for help to end, the counter waiting for the citizen
-- to confirm): PostgreSQL says "citizen X's grants changed" on the channel `delegation_change`, once for
-- the grantor and once for the delegate, whatever changed the row (a request, a confirmation, an end by
-- either, the hour's task, an expiry on read). Each API process LISTENs once (backend/delegation/live.py)
-- and the streams of those two people read their listing again: a waiting phone costs no query while
-- nothing changes, instead of a read every five seconds.
CREATE FUNCTION delegation_change_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('delegation_change', NEW.grantor_id::text);
    PERFORM pg_notify('delegation_change', NEW.delegate_id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER delegation_changed AFTER INSERT OR UPDATE ON delegations
    FOR EACH ROW EXECUTE FUNCTION delegation_change_notify();
