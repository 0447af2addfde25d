-- Agencies hear about their bills' payments through a signed webhook; every attempt is kept.

CREATE TABLE agency_webhooks (
    agency_id bigint PRIMARY KEY REFERENCES agencies (id),
    url text NOT NULL CHECK (url ~ '^https?://[^/?#@]+'),
    secret_ciphertext bytea NOT NULL,
    secret_key_id text NOT NULL,
    updated_by uuid REFERENCES citizens (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    payment_id uuid NOT NULL REFERENCES payments (id),
    attempt integer NOT NULL,
    status_code integer,
    outcome text NOT NULL CHECK (outcome IN ('delivered', 'failed')),
    detail text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_agency ON webhook_deliveries (agency_id, id DESC);
