-- A campaign's progress announced as it changes, for the agency console watching it: PostgreSQL says
-- "campaign X moved" on the channel `campaign_progress` when a change to its counters (migration 0038) or
-- to its row (recipients, status) commits. Each API process LISTENs once (notifications/live.py) and the
-- streams watching that campaign read its progress again (a few rows, whatever the audience), at most
-- once a second each: a watching console costs no query while nothing moves, and the console no longer
-- asks every second whether anything did.
--
-- Row-level: a statement changes a handful of counter rows (one per status and shard); NOTIFY keeps one
-- copy of identical payloads per transaction, so a chunk or a delivery batch announces its campaign once.
CREATE FUNCTION campaign_counts_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('campaign_progress', NEW.campaign_id::text);
    RETURN NULL;
END
$$;

CREATE FUNCTION campaign_row_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('campaign_progress', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER campaign_counts_moved AFTER INSERT OR UPDATE ON campaign_counts
    FOR EACH ROW EXECUTE FUNCTION campaign_counts_notify();
CREATE TRIGGER campaign_moved AFTER UPDATE OF recipients, status ON notification_campaigns
    FOR EACH ROW EXECUTE FUNCTION campaign_row_notify();
