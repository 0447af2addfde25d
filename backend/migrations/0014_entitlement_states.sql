-- The last answer each connector gave about each citizen, scheme by scheme: what lets an agency
-- tell the citizens it already knows to be "eligible but not enrolled" (a campaign audience)
-- before they ask. Replaced on every successful call; removed when the citizen withdraws consent.
CREATE TABLE entitlement_states (
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    connector_id bigint NOT NULL REFERENCES connectors (id),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    scheme_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('receiving', 'eligible_not_enrolled', 'not_eligible', 'pending')),
    seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (citizen_id, connector_id, scheme_id)
);
CREATE INDEX entitlement_states_audience ON entitlement_states (agency_id, status, citizen_id);
