-- A campaign's progress kept as counters that move with its messages' statuses, so that reading it costs
-- the same at ten million recipients as at ten (counting the messages took ~7 s at 10 M, and the console
-- asks every second).
--
-- Statement-level triggers with transition tables: one counter upsert per statement, not per row, so a
-- chunk of 500 inserted messages or a batch of 50 status changes adds one small write. Counters are split
-- into shards by the writing backend so that workers delivering the same campaign rarely wait on one
-- row; a shard may go negative (one backend inserted, another moved the message on): only the sum over
-- shards means anything. Deleting messages (retention) leaves the counters alone: they are the
-- campaign's history, not a count of the rows still kept.

CREATE TABLE campaign_counts (
    campaign_id uuid NOT NULL REFERENCES notification_campaigns (id) ON DELETE CASCADE,
    shard smallint NOT NULL,
    status text NOT NULL,
    -- permanent-failure because the citizen has no device: the message is in their inbox, which the
    -- sender must not be told is a failure (notifications.schemas.NO_DEVICES).
    inbox_only boolean NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (campaign_id, shard, status, inbox_only)
);

CREATE FUNCTION campaign_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO campaign_counts AS c (campaign_id, shard, status, inbox_only, n)
        SELECT campaign_id, (pg_backend_pid() % 16)::smallint, status,
               coalesce(status_reason = 'no devices: the message is in the inbox only', false), count(*)
        FROM new_rows WHERE campaign_id IS NOT NULL
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (campaign_id, shard, status, inbox_only) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO campaign_counts AS c (campaign_id, shard, status, inbox_only, n)
        SELECT campaign_id, (pg_backend_pid() % 16)::smallint, status, inbox_only, sum(delta)
        FROM (
            SELECT campaign_id, status,
                   coalesce(status_reason = 'no devices: the message is in the inbox only', false) AS inbox_only,
                   1 AS delta
            FROM new_rows WHERE campaign_id IS NOT NULL
            UNION ALL
            SELECT campaign_id, status,
                   coalesce(status_reason = 'no devices: the message is in the inbox only', false), -1
            FROM old_rows WHERE campaign_id IS NOT NULL
        ) AS changes
        GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (campaign_id, shard, status, inbox_only) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;

-- PostgreSQL allows transition tables only on single-event triggers without a column list: two
-- triggers, and an update that leaves the status alone (read, deleted, purged) nets to nothing.
CREATE TRIGGER campaign_counts_on_insert AFTER INSERT ON notifications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_counts_apply();
CREATE TRIGGER campaign_counts_on_update AFTER UPDATE ON notifications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION campaign_counts_apply();

-- Campaigns already under way start from their messages as they are now.
INSERT INTO campaign_counts (campaign_id, shard, status, inbox_only, n)
SELECT campaign_id, 0, status, coalesce(status_reason = 'no devices: the message is in the inbox only', false),
       count(*)
FROM notifications WHERE campaign_id IS NOT NULL GROUP BY 1, 3, 4;

-- Progress was this index's only reader. Without it a status change touches no index of the table, so
-- delivering a campaign writes less (and PostgreSQL may update the row in place).
DROP INDEX notifications_campaign;
