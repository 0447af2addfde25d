-- Delivery attempts, a row per push tried (tens of millions a month at national scale), split by month
-- like the data-access log (ensure_month_partitions, migration 0045): DELIVERY_METADATA_RETENTION_DAYS
-- drops whole months instead of deleting row by row. Nothing references an attempt, so its key can take
-- the partition key; the deliveries they belong to stay one table (attempts and webhooks point at them).

ALTER TABLE delivery_attempts RENAME TO delivery_attempts_unpartitioned;
ALTER SEQUENCE delivery_attempts_id_seq RENAME TO delivery_attempts_unpartitioned_id_seq;
ALTER TABLE delivery_attempts_unpartitioned DROP CONSTRAINT delivery_attempts_pkey;
-- delivery_attempts_at served only the row-by-row retention: not made again.
DROP INDEX delivery_attempts_delivery, delivery_attempts_at;

CREATE TABLE delivery_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY,
    delivery_id bigint NOT NULL CONSTRAINT delivery_attempts_delivery_id_fkey
        REFERENCES notification_deliveries (id),
    attempt integer NOT NULL,
    status_code integer,
    outcome text NOT NULL,
    reason text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (at);
CREATE TABLE delivery_attempts_default PARTITION OF delivery_attempts DEFAULT;
SELECT ensure_month_partitions('delivery_attempts', 'at',
    coalesce((SELECT min(at) FROM delivery_attempts_unpartitioned), now())::date,
    (now() + interval '2 months')::date);

INSERT INTO delivery_attempts (id, delivery_id, attempt, status_code, outcome, reason, at)
OVERRIDING SYSTEM VALUE
SELECT id, delivery_id, attempt, status_code, outcome, reason, at FROM delivery_attempts_unpartitioned;
SELECT setval(pg_get_serial_sequence('delivery_attempts', 'id'),
              coalesce((SELECT max(id) FROM delivery_attempts_unpartitioned), 0) + 1, false);
DROP TABLE delivery_attempts_unpartitioned;

ALTER TABLE delivery_attempts ADD CONSTRAINT delivery_attempts_pkey PRIMARY KEY (id, at);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
