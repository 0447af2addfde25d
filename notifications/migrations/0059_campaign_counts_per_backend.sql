-- A counter shard per backend process instead of the backend's pid modulo 16 (found by make scale at
-- 1,000,000 recipients): two transactions whose backends shared a shard deadlocked. A campaign's chunk
-- inserts its messages (taking its shard's 'sending' counter), then marks those without a device as
-- permanent failures (wanting 'permanent-failure'); a delivery batch on another backend with the same
-- shard took 'permanent-failure' and then wanted 'sending' in one statement. After eight deadlocks in a
-- row the chunk's task failed for good and the campaign stayed "expanding". Each backend has its own pid
-- while it runs, so no two transactions running at once write the same counter row. A campaign's rows
-- stay as many as the backends that wrote to it (pooled connections live long): its progress is still a
-- sum over a few hundred rows at most, whatever its audience.
ALTER TABLE campaign_counts ALTER COLUMN shard TYPE integer;

CREATE OR REPLACE FUNCTION campaign_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO campaign_counts AS c (campaign_id, shard, status, inbox_only, n)
        SELECT campaign_id, pg_backend_pid(), status,
               coalesce(status_reason = 'no devices: the message is in the inbox only', false), count(*)
        FROM new_rows WHERE campaign_id IS NOT NULL
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (campaign_id, shard, status, inbox_only) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO campaign_counts AS c (campaign_id, shard, status, inbox_only, n)
        SELECT campaign_id, pg_backend_pid(), status, inbox_only, sum(delta)
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
