-- The last answer each connector gave about each citizen, scheme by scheme: what lets an agency
-- tell the citizens it already knows to be "eligible but not enrolled" (a campaign audience), and
-- the platform tell a citizen when they newly are, before they ask. Replaced on every successful
-- call; removed when the citizen withdraws the connector's consent.
CREATE TABLE entitlement_states (
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    connector_id bigint NOT NULL REFERENCES connectors (id),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    scheme_id text NOT NULL,
    status text NOT NULL CHECK (status IN ('receiving', 'eligible_not_enrolled', 'not_eligible', 'pending')),
    scheme_name_th text NOT NULL,
    scheme_name_en text NOT NULL,
    how_to_claim_th text NOT NULL DEFAULT '',
    how_to_claim_en text NOT NULL DEFAULT '',
    status_since timestamptz NOT NULL DEFAULT now(),
    seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (citizen_id, connector_id, scheme_id)
);
CREATE INDEX entitlement_states_audience ON entitlement_states (agency_id, status, citizen_id);
