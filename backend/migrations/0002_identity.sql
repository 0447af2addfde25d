-- Verify: citizens (everyone who logs in, staff included), role grants, agency machine clients.

CREATE TABLE citizens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- HMAC-SHA256 of the national ID under ID_HASH_KEY: the only way rows are looked up by ID.
    national_id_hash bytea NOT NULL UNIQUE CHECK (length(national_id_hash) = 32),
    -- AES-GCM (nonce || ciphertext) under the key named by national_id_key_id.
    national_id_ciphertext bytea NOT NULL,
    national_id_key_id text NOT NULL,
    issuer text NOT NULL,
    subject text NOT NULL,
    name_th text,
    name_en text,
    birthdate date,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz NOT NULL DEFAULT now()
);

-- Every grant and revocation is kept: a revoked grant is closed, never deleted.
CREATE TABLE role_grants (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    role text NOT NULL CHECK (
        role IN ('agency_admin', 'agency_editor', 'agency_sender', 'support', 'platform_admin')
    ),
    agency_id bigint REFERENCES agencies (id),
    granted_by uuid REFERENCES citizens (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    grant_reason text NOT NULL CHECK (length(grant_reason) BETWEEN 1 AND 500),
    revoked_by uuid REFERENCES citizens (id),
    revoked_at timestamptz,
    CHECK ((role LIKE 'agency\_%') = (agency_id IS NOT NULL)),
    CHECK (revoked_by IS NULL OR revoked_at IS NOT NULL)
);
CREATE UNIQUE INDEX role_grants_one_active
    ON role_grants (citizen_id, role, coalesce(agency_id, 0)) WHERE revoked_at IS NULL;

-- OAuth 2.0 client-credentials clients of agencies' systems.
CREATE TABLE agency_clients (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id text NOT NULL UNIQUE,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    scopes text[] NOT NULL CHECK (scopes <@ ARRAY['tiles', 'bills', 'notifications', 'connectors']::text[]),
    created_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_by uuid REFERENCES citizens (id),
    revoked_at timestamptz
);

-- Several secrets may be valid at once while a rotation overlaps; only their SHA-256 is stored
-- (they are 256-bit random values, so a slow password hash adds nothing).
CREATE TABLE agency_client_secrets (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id bigint NOT NULL REFERENCES agency_clients (id),
    secret_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX agency_client_secrets_client ON agency_client_secrets (client_id);
