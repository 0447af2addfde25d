-- Campaigns: one message to an audience (followers of the agency or of a tile, an age range),
-- expanded by the worker in chunks of recipients, each chunk one transaction that moves the cursor.

CREATE TABLE notification_campaigns (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    template_id bigint NOT NULL REFERENCES notification_templates (id),
    category text NOT NULL,
    title_th text NOT NULL,
    title_en text NOT NULL,
    body_th text NOT NULL,
    body_en text NOT NULL,
    url text,
    urgency text NOT NULL CHECK (urgency IN ('normal', 'high')),
    ttl_seconds integer NOT NULL CHECK (ttl_seconds BETWEEN 0 AND 2419200),
    audience jsonb NOT NULL,
    send_at timestamptz,
    status text NOT NULL DEFAULT 'expanding' CHECK (status IN ('scheduled', 'expanding', 'expanded')),
    expanded_through uuid,
    recipients integer NOT NULL DEFAULT 0,
    idempotency_key text NOT NULL,
    request_hash bytea NOT NULL,
    created_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expanded_at timestamptz,
    UNIQUE (agency_id, idempotency_key)
);

ALTER TABLE notifications ADD COLUMN campaign_id uuid REFERENCES notification_campaigns (id);
CREATE INDEX notifications_campaign ON notifications (campaign_id, status) WHERE campaign_id IS NOT NULL;
CREATE INDEX tile_favourites_tile ON tile_favourites (tile_id, citizen_id);
