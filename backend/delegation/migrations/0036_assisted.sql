-- Assisted mode at a counter (docs/delegation.md, issue 22 item 6): a counter staff member acts for a
-- citizen for one hour, under a grant of kind 'assisted' the citizen started by confirming on their phone
-- or by reading out a one-time code. Same tables and acting mechanism as family grants.

-- Counter staff hold no other power: they see a citizen's data only under that citizen's grant.
ALTER TABLE role_grants DROP CONSTRAINT role_grants_role_check;
ALTER TABLE role_grants ADD CONSTRAINT role_grants_role_check CHECK (
    role IN ('agency_admin', 'agency_editor', 'agency_sender', 'agency_officer', 'support', 'platform_admin',
             'counter_staff')
);

-- An assisted grant ends at a moment, not on a day: while asked, when the request lapses; once
-- confirmed, one hour later. The service point is where the staff member sits, as the citizen read it.
-- One kind column for every grant (0034 made it for parents and guardians); 'assisted' joins it, and
-- 0034's family rules treat an assisted grant as they treat a chosen one (no registry, no child).
-- (Written with OR, not IN: tests/integration/test_vocabulary.py reads a column's values from its IN lists.)
ALTER TABLE delegations DROP CONSTRAINT delegations_kind_check;
ALTER TABLE delegations ADD CONSTRAINT delegations_kind_check
    CHECK (kind IN ('chosen', 'parent', 'guardian', 'assisted'));
ALTER TABLE delegations DROP CONSTRAINT delegations_family_confirmed;
ALTER TABLE delegations ADD CONSTRAINT delegations_family_confirmed CHECK (
    (kind = 'chosen' OR kind = 'assisted') = (registry_connector_id IS NULL AND confirmed_at IS NULL)
    AND (kind = 'chosen' OR kind = 'assisted' OR (status IN ('active', 'ended') AND accepted_at IS NOT NULL))
);
ALTER TABLE delegations DROP CONSTRAINT delegations_parent_until_15;
ALTER TABLE delegations ADD CONSTRAINT delegations_parent_until_15 CHECK (
    (kind = 'chosen' OR kind = 'assisted') = (child_birthdate IS NULL)
    AND (kind <> 'parent' OR ends_on = (child_birthdate + interval '15 years')::date - 1)
);
ALTER TABLE delegations ADD COLUMN ends_at timestamptz;
ALTER TABLE delegations ADD COLUMN service_point text CHECK (length(service_point) BETWEEN 1 AND 120);
ALTER TABLE delegations ADD CONSTRAINT delegations_assisted_shape CHECK (
    (kind = 'assisted') = (ends_at IS NOT NULL AND service_point IS NOT NULL)
);
ALTER TABLE delegations ADD CONSTRAINT delegations_assisted_hour CHECK (
    kind <> 'assisted' OR ends_at <= coalesce(accepted_at, created_at) + interval '1 hour'
);

-- A code the citizen makes and reads out; only its keyed hash is kept (bound to the citizen), it lapses
-- after a few minutes, is used once, and dies after a few wrong tries.
CREATE TABLE assisted_codes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    code_hash bytea NOT NULL,
    scopes text[] NOT NULL CHECK (
        cardinality(scopes) BETWEEN 1 AND 5
        AND scopes <@ ARRAY['entitlements', 'bills', 'messages', 'applications', 'documents']::text[]
    ),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    failed_attempts int NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    used_at timestamptz,
    delegation_id uuid REFERENCES delegations (id),
    CHECK ((used_at IS NULL) = (delegation_id IS NULL))
);
CREATE INDEX assisted_codes_open ON assisted_codes (citizen_id) WHERE used_at IS NULL;

-- A step done by counter staff is marked as assisted in the citizen's "who accessed my data".
ALTER TABLE data_access_log DROP CONSTRAINT data_access_log_actor_kind_check;
ALTER TABLE data_access_log ADD CONSTRAINT data_access_log_actor_kind_check
    CHECK (actor_kind IN ('citizen', 'staff', 'system', 'share_recipient', 'delegate', 'assisted'));
