-- The retention job forgets entitlement states no connector has confirmed for a year
-- (ENTITLEMENT_STATE_RETENTION_DAYS): without this it would read every state (tens of millions at
-- national scale) to find a few. "Who accessed my data" needs none: its records are numbered as they
-- are written, so the oldest are found from the start of the primary key.
-- On a live database build it first with CREATE INDEX CONCURRENTLY under this name (a migration runs in a
-- transaction, which CONCURRENTLY cannot); IF NOT EXISTS then makes this a no-op.
CREATE INDEX IF NOT EXISTS entitlement_states_seen ON entitlement_states (seen_at);
