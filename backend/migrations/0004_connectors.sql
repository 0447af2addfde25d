-- Connectors to agencies' systems, citizens' consents, and the record of every access to a
-- citizen's data (who, what, when, why, and how it went).

CREATE TABLE connectors (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{1,39}$'),
    title_th text NOT NULL CHECK (length(title_th) BETWEEN 1 AND 200),
    title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
    base_url text NOT NULL CHECK (base_url ~ '^https?://[^/?#@]+(/[^?#]*)?$'),
    auth_kind text NOT NULL CHECK (auth_kind IN ('none', 'api_key', 'oauth_client_credentials')),
    api_key_header text CHECK (api_key_header ~ '^[A-Za-z0-9-]{1,64}$'),
    oauth_token_url text CHECK (oauth_token_url ~ '^https?://'),
    oauth_client_id text,
    oauth_scope text,
    -- The API key or OAuth client secret, AES-GCM under ID_ENCRYPTION_KEYS (purpose-bound).
    secret_ciphertext bytea,
    secret_key_id text,
    timeout_ms integer NOT NULL DEFAULT 2000 CHECK (timeout_ms BETWEEN 100 AND 10000),
    retries integer NOT NULL DEFAULT 1 CHECK (retries BETWEEN 0 AND 3),
    cache_seconds integer NOT NULL DEFAULT 300 CHECK (cache_seconds BETWEEN 0 AND 86400),
    consent_required boolean NOT NULL DEFAULT false,
    purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 300),
    fields text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, name),
    CHECK ((auth_kind = 'none') = (secret_ciphertext IS NULL)),
    CHECK (auth_kind <> 'api_key' OR api_key_header IS NOT NULL),
    CHECK (auth_kind <> 'oauth_client_credentials' OR (oauth_token_url IS NOT NULL AND oauth_client_id IS NOT NULL))
);

CREATE TABLE consents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    connector_id bigint NOT NULL REFERENCES connectors (id),
    purpose text NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    withdrawn_at timestamptz
);
CREATE UNIQUE INDEX consents_one_live ON consents (citizen_id, connector_id) WHERE withdrawn_at IS NULL;

CREATE TABLE data_access_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    agency_id bigint REFERENCES agencies (id),
    connector_id bigint REFERENCES connectors (id),
    actor_kind text NOT NULL CHECK (actor_kind IN ('citizen', 'staff', 'system')),
    actor_id text,
    purpose text NOT NULL,
    fields text[] NOT NULL DEFAULT '{}',
    outcome text NOT NULL CHECK (outcome IN ('ok', 'failed', 'timeout', 'refused')),
    detail text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_access_log_citizen ON data_access_log (citizen_id, id DESC);
CREATE INDEX data_access_log_agency ON data_access_log (agency_id, id DESC);
