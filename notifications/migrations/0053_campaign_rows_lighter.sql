-- Lighter campaign inbox rows (issue 23): a campaign's message repeated in every recipient's row what is
-- the same for all of them (template, urgency, time to live, the agency's request hash, "from the
-- platform"); now a campaign's row leaves them NULL and readers take the campaign's (its template's
-- category), as they already do for its text (migration 0049). 146 -> 129 bytes a row, and as much WAL
-- on the insert and on each status change. Rows written before keep their copies (rewriting every
-- campaign row of an install here would hold the inbox for long); readers prefer a row's own value.
-- The agency stays on every row: the inbox, support and the status API filter on it.

ALTER TABLE notifications
    ALTER COLUMN urgency DROP NOT NULL,
    ALTER COLUMN ttl_seconds DROP NOT NULL,
    ALTER COLUMN request_hash DROP NOT NULL,
    ALTER COLUMN from_platform DROP NOT NULL,
    ADD CONSTRAINT notifications_own_settings CHECK (
        campaign_id IS NOT NULL
        OR (urgency IS NOT NULL AND ttl_seconds IS NOT NULL AND request_hash IS NOT NULL
            AND from_platform IS NOT NULL)
    ) NOT VALID;
-- Every row passes (they were all NOT NULL until now); validated without blocking writes.
ALTER TABLE notifications VALIDATE CONSTRAINT notifications_own_settings;

-- A campaign's message has no body of its own to purge: retention purges its campaign's (one row), so
-- its rows need no entry in the purge's index (one index entry less per message written) and are no
-- longer each rewritten when their body's time is up.
DROP INDEX notifications_bodies_to_purge;
CREATE INDEX notifications_bodies_to_purge ON notifications (created_at)
    WHERE body_purged_at IS NULL AND campaign_id IS NULL;
