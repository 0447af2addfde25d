-- Notify: citizens' devices, agencies' templates, the inbox (the source of truth), and each push
-- delivery with every attempt.

CREATE TABLE push_subscriptions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    endpoint text NOT NULL UNIQUE CHECK (length(endpoint) <= 2000),
    p256dh text NOT NULL CHECK (length(p256dh) BETWEEN 80 AND 100),
    auth text NOT NULL CHECK (length(auth) BETWEEN 16 AND 30),
    user_agent text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    last_success_at timestamptz,
    last_failure_at timestamptz,
    last_failure_reason text
);
CREATE INDEX push_subscriptions_citizen ON push_subscriptions (citizen_id);

CREATE TABLE notification_templates (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9-]{1,59}$'),
    version integer NOT NULL CHECK (version > 0),
    category text NOT NULL,
    title_th text NOT NULL CHECK (length(title_th) BETWEEN 1 AND 120),
    title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 120),
    body_th text NOT NULL CHECK (length(body_th) BETWEEN 1 AND 1000),
    body_en text NOT NULL CHECK (length(body_en) BETWEEN 1 AND 1000),
    placeholders text[] NOT NULL,
    created_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, key, version)
);

CREATE TABLE notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    template_id bigint REFERENCES notification_templates (id),
    title_th text NOT NULL,
    title_en text NOT NULL,
    body_th text NOT NULL,
    body_en text NOT NULL,
    url text,
    urgency text NOT NULL CHECK (urgency IN ('normal', 'high')),
    ttl_seconds integer NOT NULL CHECK (ttl_seconds BETWEEN 0 AND 2419200),
    status text NOT NULL DEFAULT 'created' CHECK (
        status IN ('created', 'sending', 'delivered', 'temporary-failure', 'permanent-failure',
                   'technical-failure', 'cancelled', 'suppressed')
    ),
    status_reason text,
    idempotency_key text NOT NULL,
    request_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    deleted_at timestamptz,
    UNIQUE (agency_id, citizen_id, idempotency_key)
);
CREATE INDEX notifications_inbox ON notifications (citizen_id, created_at DESC) WHERE deleted_at IS NULL;

CREATE TABLE notification_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id uuid NOT NULL REFERENCES notifications (id),
    subscription_id uuid REFERENCES push_subscriptions (id) ON DELETE SET NULL,
    endpoint_origin text NOT NULL,
    status text NOT NULL DEFAULT 'created' CHECK (
        status IN ('created', 'sending', 'delivered', 'temporary-failure', 'permanent-failure',
                   'technical-failure', 'cancelled', 'suppressed')
    ),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_deliveries_notification ON notification_deliveries (notification_id);

CREATE TABLE delivery_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES notification_deliveries (id),
    attempt integer NOT NULL,
    status_code integer,
    outcome text NOT NULL,
    reason text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
