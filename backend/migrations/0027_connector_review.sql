-- A connector is called with every citizen's national ID, so it goes live only once a platform
-- admin has approved it. A new one waits in 'pending' (or 'returned' with the reviewer's comment);
-- a change to a live connector's address, purpose, data items or consent rule waits in
-- connector_changes while the approved version keeps serving, and replaces it on approval.
ALTER TABLE connectors DROP CONSTRAINT connectors_status_check;
ALTER TABLE connectors ADD CONSTRAINT connectors_status_check
    CHECK (status IN ('pending', 'returned', 'active', 'disabled'));
ALTER TABLE connectors ALTER COLUMN status SET DEFAULT 'pending';
ALTER TABLE connectors
    ADD COLUMN submitted_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN approved_at timestamptz,
    ADD COLUMN approved_by uuid REFERENCES citizens (id),
    ADD COLUMN review_comment text CHECK (length(review_comment) BETWEEN 1 AND 2000);
-- Connectors registered before were live at once: they count as approved when they were made.
UPDATE connectors SET approved_at = created_at, submitted_at = created_at;

-- The proposed version: every column an agency writes, as in connectors (the values were checked by
-- the service; the connectors table's own checks apply again when it is approved).
CREATE TABLE connector_changes (
    connector_id bigint PRIMARY KEY REFERENCES connectors (id),
    title_th text NOT NULL,
    title_en text NOT NULL,
    base_url text NOT NULL,
    auth_kind text NOT NULL,
    api_key_header text,
    oauth_token_url text,
    oauth_client_id text,
    oauth_scope text,
    secret_ciphertext bytea,
    secret_key_id text,
    timeout_ms integer NOT NULL,
    retries integer NOT NULL,
    cache_seconds integer NOT NULL,
    consent_required boolean NOT NULL,
    consent_days integer NOT NULL,
    purpose_th text NOT NULL,
    purpose_en text NOT NULL,
    fields_th text[] NOT NULL,
    fields_en text[] NOT NULL,
    client_certificate_pem text,
    server_ca_pem text,
    min_age integer,
    max_age integer,
    submitted_by uuid REFERENCES citizens (id),
    submitted_at timestamptz NOT NULL DEFAULT now(),
    -- Set when the reviewer returned it; the agency's next change replaces the row.
    review_comment text CHECK (length(review_comment) BETWEEN 1 AND 2000)
);
