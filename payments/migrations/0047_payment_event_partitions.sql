-- Payment events, the history of every payment's state, split by month like the data-access log
-- (ensure_month_partitions, migration 0045), so PAYMENT_EVENT_RETENTION_DAYS (ten years by default, never
-- under the five the Accounting Act asks for) drops whole months. Nothing references an event, so its
-- key can take the partition key; the payments they belong to stay one table.

ALTER TABLE payment_events RENAME TO payment_events_unpartitioned;
ALTER SEQUENCE payment_events_id_seq RENAME TO payment_events_unpartitioned_id_seq;
ALTER TABLE payment_events_unpartitioned DROP CONSTRAINT payment_events_pkey;
DROP INDEX payment_events_payment;

CREATE TABLE payment_events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    payment_id uuid NOT NULL CONSTRAINT payment_events_payment_id_fkey REFERENCES payments (id),
    from_state text,
    to_state text NOT NULL,
    source text NOT NULL CONSTRAINT payment_events_source_check
        CHECK (source IN ('citizen', 'bank', 'system', 'support')),
    detail text,
    at timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (at);
CREATE TABLE payment_events_default PARTITION OF payment_events DEFAULT;
SELECT ensure_month_partitions('payment_events', 'at',
    coalesce((SELECT min(at) FROM payment_events_unpartitioned), now())::date,
    (now() + interval '2 months')::date);

INSERT INTO payment_events (id, payment_id, from_state, to_state, source, detail, at)
OVERRIDING SYSTEM VALUE
SELECT id, payment_id, from_state, to_state, source, detail, at FROM payment_events_unpartitioned;
SELECT setval(pg_get_serial_sequence('payment_events', 'id'),
              coalesce((SELECT max(id) FROM payment_events_unpartitioned), 0) + 1, false);
DROP TABLE payment_events_unpartitioned;

ALTER TABLE payment_events ADD CONSTRAINT payment_events_pkey PRIMARY KEY (id, at);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);
