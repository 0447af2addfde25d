-- A campaign's text stored once, on the campaign, not copied into each recipient's inbox row (issue 23):
-- the copy cost ~1.8 KB of row and 5-12 KB of WAL per message, 18 GB and 50-120 GB per 10 M campaign.
-- A campaign's text is rendered once from one set of parameters (notifications.campaigns.start_campaign),
-- so it is the same for every recipient: its messages keep no title, body, link or idempotency key of
-- their own and are read joined to their campaign; a message of its own (campaign_id null) keeps its text.
-- The key was 'campaign:<id>' on every row, in the row and in the (agency, citizen, key) index: the
-- campaign's id already says it, and a null key takes no part in that unique index.

ALTER TABLE notifications
    ALTER COLUMN title_th DROP NOT NULL,
    ALTER COLUMN title_en DROP NOT NULL,
    ALTER COLUMN idempotency_key DROP NOT NULL;

-- Existing installs: campaign messages drop their copies (a purged body stays purged: body_purged_at,
-- which every reader checks, is kept). A big table is rewritten in place row by row here; on a live
-- national install run this UPDATE in batches by id before the migration, and it is then a no-op.
UPDATE notifications
SET title_th = NULL, title_en = NULL, body_th = NULL, body_en = NULL, url = NULL, idempotency_key = NULL
WHERE campaign_id IS NOT NULL
  AND (title_th IS NOT NULL OR title_en IS NOT NULL OR body_th IS NOT NULL OR body_en IS NOT NULL
       OR url IS NOT NULL OR idempotency_key IS NOT NULL);

-- Either the campaign's text or the message's own: never both, never neither.
ALTER TABLE notifications ADD CONSTRAINT notifications_text_once CHECK (
    CASE WHEN campaign_id IS NULL
         THEN title_th IS NOT NULL AND title_en IS NOT NULL AND idempotency_key IS NOT NULL
         ELSE title_th IS NULL AND title_en IS NULL AND body_th IS NULL AND body_en IS NULL AND url IS NULL
              AND idempotency_key IS NULL
    END
);

-- Retention purges the campaign's body and link with its messages' (they were all written by the time
-- it was expanded).
ALTER TABLE notification_campaigns
    ALTER COLUMN body_th DROP NOT NULL,
    ALTER COLUMN body_en DROP NOT NULL,
    ADD COLUMN body_purged_at timestamptz;
