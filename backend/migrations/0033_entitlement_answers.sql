-- A citizen's last answer from each connector, kept in PostgreSQL for the day it may be shown stale.
-- Redis keeps the copy only for the connector's cache_seconds (fresh): at national scale a day of every
-- citizen's answers in Redis (~4.7 KB each) outgrew memory, and evicting them would evict sessions too.
-- Written in the same transaction as the call's data-access record; withdrawn consent or a removed
-- connector deletes it; the retention job deletes it a day after it could last be shown.

CREATE TABLE entitlement_answers (
    citizen_id uuid NOT NULL REFERENCES citizens (id),
    connector_id bigint NOT NULL REFERENCES connectors (id),
    fetched_at timestamptz NOT NULL,
    answer jsonb NOT NULL,
    PRIMARY KEY (citizen_id, connector_id)
);
CREATE INDEX entitlement_answers_fetched ON entitlement_answers (fetched_at);
