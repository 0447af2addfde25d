-- Acting for someone else (docs/delegation.md): one citizen lets another see or do named parts of
-- their affairs until a date at most a year away. A grant is invited by the grantor and accepted by the
-- delegate; either may end it. Every change is an event row (who, when, why).
CREATE TABLE delegations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    grantor_id uuid NOT NULL REFERENCES citizens (id),
    delegate_id uuid NOT NULL REFERENCES citizens (id),
    scopes text[] NOT NULL CHECK (
        cardinality(scopes) BETWEEN 1 AND 5
        AND scopes <@ ARRAY['entitlements', 'bills', 'messages', 'applications', 'documents']::text[]
    ),
    status text NOT NULL CHECK (status IN ('invited', 'active', 'declined', 'ended')),
    ends_on date NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    renewed_at timestamptz,
    accepted_at timestamptz,
    ended_at timestamptz,
    CHECK (grantor_id <> delegate_id),
    -- At most a year from the day it was granted or last renewed (Bangkok days).
    CHECK (ends_on <= ((coalesce(renewed_at, created_at) AT TIME ZONE 'Asia/Bangkok')::date + interval '1 year')::date),
    CHECK ((status = 'active') = (accepted_at IS NOT NULL AND ended_at IS NULL)),
    CHECK ((status IN ('declined', 'ended')) = (ended_at IS NOT NULL))
);
-- One open grant between two people at a time (renew or change it instead of granting again).
CREATE UNIQUE INDEX delegations_open_pair ON delegations (grantor_id, delegate_id)
    WHERE status IN ('invited', 'active');
CREATE INDEX delegations_by_delegate ON delegations (delegate_id) WHERE status IN ('invited', 'active');

CREATE TABLE delegation_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delegation_id uuid NOT NULL REFERENCES delegations (id),
    at timestamptz NOT NULL DEFAULT now(),
    actor_id uuid NOT NULL REFERENCES citizens (id),
    kind text NOT NULL CHECK (kind IN ('invited', 'accepted', 'declined', 'ended', 'renewed')),
    reason text CHECK (length(reason) <= 300),
    scopes text[] NOT NULL,
    ends_on date NOT NULL
);
CREATE INDEX delegation_events_by_delegation ON delegation_events (delegation_id, id);

-- The grantor's "who accessed my data" shows each grant and its changes, naming the delegate.
ALTER TABLE data_access_log DROP CONSTRAINT data_access_log_kind_check;
ALTER TABLE data_access_log ADD CONSTRAINT data_access_log_kind_check
    CHECK (kind IN ('agency_call', 'staff_lookup', 'document_share', 'delegation'));
ALTER TABLE data_access_log DROP CONSTRAINT data_access_log_actor_kind_check;
ALTER TABLE data_access_log ADD CONSTRAINT data_access_log_actor_kind_check
    CHECK (actor_kind IN ('citizen', 'staff', 'system', 'share_recipient', 'delegate'));
