-- Agencies' webhook deliveries, a row per call made (a payment's or a message's status: one per message
-- at national scale), split by month like the delivery attempts (ensure_month_partitions, migration
-- 0046), so WEBHOOK_DELIVERY_RETENTION_DAYS drops whole months instead of deleting row by row. Nothing
-- references a webhook delivery, so its key can take the partition key.
--
-- The reference to the message (notification_id) is no longer a foreign key: inbox retention (0055)
-- deletes old messages, and with the key each delete would have to look for the message in every month
-- of this table (no index on notification_id: one per partition only for that) and would be refused
-- while a month kept for its own period still named it. The log keeps the id of a message that may be
-- gone, as it keeps the agency's own idempotency key.

ALTER TABLE webhook_deliveries RENAME TO webhook_deliveries_unpartitioned;
ALTER SEQUENCE webhook_deliveries_id_seq RENAME TO webhook_deliveries_unpartitioned_id_seq;
ALTER TABLE webhook_deliveries_unpartitioned DROP CONSTRAINT webhook_deliveries_pkey;
DROP INDEX webhook_deliveries_agency;

CREATE TABLE webhook_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY,
    agency_id bigint NOT NULL CONSTRAINT webhook_deliveries_agency_id_fkey REFERENCES agencies (id),
    payment_id uuid CONSTRAINT webhook_deliveries_payment_id_fkey REFERENCES payments (id),
    attempt integer NOT NULL,
    status_code integer,
    outcome text NOT NULL CONSTRAINT webhook_deliveries_outcome_check CHECK (outcome IN ('delivered', 'failed')),
    detail text,
    at timestamptz NOT NULL DEFAULT now(),
    notification_id uuid,
    CONSTRAINT webhook_deliveries_subject CHECK ((payment_id IS NULL) <> (notification_id IS NULL))
) PARTITION BY RANGE (at);
CREATE TABLE webhook_deliveries_default PARTITION OF webhook_deliveries DEFAULT;
SELECT ensure_month_partitions('webhook_deliveries', 'at',
    coalesce((SELECT min(at) FROM webhook_deliveries_unpartitioned), now())::date,
    (now() + interval '2 months')::date);

INSERT INTO webhook_deliveries (id, agency_id, payment_id, attempt, status_code, outcome, detail, at,
                                notification_id)
OVERRIDING SYSTEM VALUE
SELECT id, agency_id, payment_id, attempt, status_code, outcome, detail, at, notification_id
FROM webhook_deliveries_unpartitioned;
SELECT setval(pg_get_serial_sequence('webhook_deliveries', 'id'),
              coalesce((SELECT max(id) FROM webhook_deliveries_unpartitioned), 0) + 1, false);
DROP TABLE webhook_deliveries_unpartitioned;

ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (id, at);
-- An agency's latest deliveries, newest first: a Merge Append of each month's index.
CREATE INDEX webhook_deliveries_agency ON webhook_deliveries (agency_id, id DESC);
