-- Apply and track: application services defined by agencies as data, citizens' applications with
-- their files and every state change, documents issued into the wallet, and one-time share links.

-- Case officers handle applications; agency systems may hold the same permission as a scope.
ALTER TABLE role_grants DROP CONSTRAINT role_grants_role_check;
ALTER TABLE role_grants ADD CONSTRAINT role_grants_role_check CHECK (
    role IN ('agency_admin', 'agency_editor', 'agency_sender', 'agency_officer', 'support', 'platform_admin')
);
ALTER TABLE agency_clients DROP CONSTRAINT agency_clients_scopes_check;
ALTER TABLE agency_clients ADD CONSTRAINT agency_clients_scopes_check CHECK (
    scopes <@ ARRAY['tiles', 'bills', 'notifications', 'connectors', 'applications']::text[]
);
-- Someone the citizen gave a share link to opened (or tried to open) their document.
ALTER TABLE data_access_log DROP CONSTRAINT data_access_log_actor_kind_check;
ALTER TABLE data_access_log ADD CONSTRAINT data_access_log_actor_kind_check CHECK (
    actor_kind IN ('citizen', 'staff', 'system', 'share_recipient')
);

CREATE TABLE application_services (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    tile_id bigint NOT NULL UNIQUE REFERENCES tiles (id),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9-]{1,39}$'),
    -- The form as data (backend/applications/forms.py validates it before it is stored).
    form jsonb NOT NULL,
    fee_satang bigint CHECK (fee_satang BETWEEN 1 AND 99999999999),
    biller_id text CHECK (biller_id ~ '^[0-9]{13}([0-9]{2})?$'),
    delivery text NOT NULL DEFAULT 'console' CHECK (delivery IN ('console', 'connector')),
    connector_id bigint REFERENCES connectors (id),
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    updated_by uuid REFERENCES citizens (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, code),
    CHECK ((delivery = 'connector') = (connector_id IS NOT NULL)),
    CHECK (fee_satang IS NULL OR biller_id IS NOT NULL)
);

CREATE TABLE application_states (
    state text PRIMARY KEY,
    is_final boolean NOT NULL
);
INSERT INTO application_states VALUES
    ('draft', false), ('submitted', false), ('in_review', false),
    ('more_information_requested', false), ('approved', false), ('rejected', false),
    ('fee_due', false), ('paid', false), ('document_issued', false), ('closed', true);

-- Every legal move, and who may make it. Each event row references one, so the database itself
-- refuses an illegal transition whatever the code above it does.
CREATE TABLE application_transitions (
    from_state text NOT NULL REFERENCES application_states (state),
    to_state text NOT NULL REFERENCES application_states (state),
    actor_kind text NOT NULL CHECK (actor_kind IN ('citizen', 'agency', 'system')),
    PRIMARY KEY (from_state, to_state, actor_kind)
);
INSERT INTO application_transitions VALUES
    ('draft', 'submitted', 'citizen'),
    ('submitted', 'in_review', 'agency'),
    ('submitted', 'more_information_requested', 'agency'),
    ('submitted', 'approved', 'agency'),
    ('submitted', 'rejected', 'agency'),
    ('in_review', 'more_information_requested', 'agency'),
    ('in_review', 'approved', 'agency'),
    ('in_review', 'rejected', 'agency'),
    ('more_information_requested', 'in_review', 'citizen'),
    ('more_information_requested', 'rejected', 'agency'),
    ('approved', 'fee_due', 'agency'),
    ('approved', 'document_issued', 'agency'),
    ('approved', 'closed', 'agency'),
    ('fee_due', 'paid', 'system'),
    ('fee_due', 'closed', 'agency'),
    ('paid', 'document_issued', 'agency'),
    ('document_issued', 'closed', 'agency'),
    ('document_issued', 'closed', 'citizen'),
    ('rejected', 'closed', 'agency'),
    ('rejected', 'closed', 'citizen'),
    ('submitted', 'closed', 'citizen'),
    ('in_review', 'closed', 'citizen'),
    ('more_information_requested', 'closed', 'citizen');

CREATE TABLE applications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tracking_number text NOT NULL UNIQUE CHECK (tracking_number ~ '^AP[0-9A-Z]{10}$'),
    service_id bigint NOT NULL REFERENCES application_services (id),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    state text NOT NULL DEFAULT 'draft' REFERENCES application_states (state),
    answers jsonb NOT NULL DEFAULT '{}',
    -- The request for more information the citizen is answering, when there is one.
    pending_request text,
    bill_id uuid REFERENCES bills (id),
    agency_reference text CHECK (length(agency_reference) <= 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    CHECK ((state = 'draft') = (submitted_at IS NULL))
);
CREATE INDEX applications_citizen ON applications (citizen_id, created_at DESC);
CREATE INDEX applications_agency ON applications (agency_id, state, submitted_at DESC) WHERE state <> 'draft';
CREATE UNIQUE INDEX applications_bill ON applications (bill_id) WHERE bill_id IS NOT NULL;
-- One draft per service and citizen: "apply" again reopens it rather than starting over.
CREATE UNIQUE INDEX applications_one_draft ON applications (citizen_id, service_id) WHERE state = 'draft';

CREATE TABLE application_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications (id),
    from_state text NOT NULL,
    to_state text NOT NULL,
    actor_kind text NOT NULL,
    actor_id text,
    note text CHECK (length(note) <= 2000),
    at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (from_state, to_state, actor_kind)
        REFERENCES application_transitions (from_state, to_state, actor_kind)
);
CREATE INDEX application_events_application ON application_events (application_id, id);

-- Uploaded files: the bytes live in the file store under their SHA-256, never in the database.
CREATE TABLE application_files (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id uuid NOT NULL REFERENCES applications (id),
    field text NOT NULL CHECK (field ~ '^[a-z][a-z0-9_]{0,39}$'),
    file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 120),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes integer NOT NULL CHECK (size_bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    removed_at timestamptz
);
CREATE INDEX application_files_application ON application_files (application_id) WHERE removed_at IS NULL;

CREATE TABLE documents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    application_id uuid UNIQUE REFERENCES applications (id),
    title_th text NOT NULL CHECK (length(title_th) BETWEEN 1 AND 200),
    title_en text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes integer NOT NULL CHECK (size_bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    verification_code text NOT NULL UNIQUE CHECK (verification_code ~ '^[0-9A-Z]{16}$'),
    issuer_code text NOT NULL,
    issued_at timestamptz NOT NULL,
    signing_key_id text NOT NULL,
    signature bytea NOT NULL CHECK (length(signature) = 64),
    issued_by uuid REFERENCES citizens (id),
    issued_by_client text,
    revoked_at timestamptz,
    revoked_reason text
);
CREATE INDEX documents_citizen ON documents (citizen_id, issued_at DESC);

-- A one-time link: only the token's SHA-256 is kept; the first open uses it up.
CREATE TABLE document_shares (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    document_id uuid NOT NULL REFERENCES documents (id),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    opened_at timestamptz,
    revoked_at timestamptz,
    -- What the opener may fetch afterwards for a few minutes (the file itself), as a hash too.
    view_token_hash bytea UNIQUE CHECK (length(view_token_hash) = 32),
    view_expires_at timestamptz,
    CHECK (expires_at > created_at),
    CHECK ((view_token_hash IS NULL) = (opened_at IS NULL))
);
CREATE INDEX document_shares_document ON document_shares (document_id, created_at DESC);
