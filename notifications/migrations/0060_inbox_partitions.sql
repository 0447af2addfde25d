-- The inbox and its deliveries to devices, partitioned by month, so that retention drops a month of
-- messages whole (backend.core.partitions) instead of deleting ten million rows one by one.
--
-- The partition key is the message id itself: ids become UUIDv7 (the first 48 bits are the time of
-- writing in ms), so a month is a range of ids. The primary key stays (id), a lookup by id still reads
-- one partition, and a delivery, partitioned on its message's id by the same bounds, lands in the
-- partition named like its message's. Partitioning on created_at would have put created_at in every key
-- and every lookup. Ids written before this migration are random (v4): nearly all of them fall in no
-- month and stay in the DEFAULT partition, which retention still purges row by row by created_at; the
-- few that fall in a month's range go with that month, never before their period is over (only months
-- from now on get partitions).

-- A UUIDv7 (RFC 9562) written at ``at``: the ms time, then version 7 over a v4's random bits.
CREATE FUNCTION uuid_v7(at timestamptz DEFAULT clock_timestamp()) RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM at) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
        52, 1), 53, 1), 'hex')::uuid
$$;

-- The smallest UUIDv7 written at ``at`` or later: a month's bound.
CREATE FUNCTION uuid_v7_floor(at timestamptz) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') || repeat('0', 20))::uuid
$$;

-- ensure_month_partitions (0045) for a table partitioned on a UUIDv7 column: the same names, locks and
-- moves out of the DEFAULT partition, with bounds that are the months' first ids; ``fillfactor`` for the
-- new tables (a partitioned parent cannot carry one).
CREATE FUNCTION ensure_id_month_partitions(parent text, key text, first_month date, last_month date,
                                           fillfactor integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    month date := date_trunc('month', first_month);
    child text;
    low uuid;
    high uuid;
    created integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('ensure_month_partitions:' || parent));
    WHILE month <= last_month LOOP
        child := format('%s_p%s', parent, to_char(month, 'YYYYMM'));
        IF to_regclass(quote_ident(child)) IS NULL THEN
            low := uuid_v7_floor(month::timestamp AT TIME ZONE 'UTC');
            high := uuid_v7_floor((month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                           'WITH (fillfactor = %s)', child, parent, fillfactor);
            EXECUTE format(
                'WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) '
                'INSERT INTO %I SELECT * FROM moved',
                parent || '_default', key, key, child
            ) USING low, high;
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           parent, child, low, high);
            created := created + 1;
        END IF;
        month := month + interval '1 month';
    END LOOP;
    RETURN created;
END
$$;

-- The unpartitioned tables step aside; their rows are copied once. Their names' constraints and indexes
-- are dropped first so that the new tables can take the same names.
ALTER TABLE delivery_attempts DROP CONSTRAINT delivery_attempts_delivery_id_fkey;
ALTER TABLE notification_deliveries RENAME TO notification_deliveries_unpartitioned;
ALTER SEQUENCE notification_deliveries_id_seq RENAME TO notification_deliveries_unpartitioned_id_seq;
ALTER TABLE notification_deliveries_unpartitioned
    DROP CONSTRAINT notification_deliveries_pkey,
    DROP CONSTRAINT notification_deliveries_notification_id_fkey,
    DROP CONSTRAINT notification_deliveries_subscription_id_fkey,
    DROP CONSTRAINT notification_deliveries_status_check;
DROP INDEX notification_deliveries_notification, notification_deliveries_subscription;
ALTER TABLE notifications RENAME TO notifications_unpartitioned;
DROP TRIGGER campaign_counts_on_insert ON notifications_unpartitioned;
DROP TRIGGER campaign_counts_on_update ON notifications_unpartitioned;
ALTER TABLE notifications_unpartitioned DROP CONSTRAINT notifications_pkey;
DROP INDEX notifications_bodies_to_purge, notifications_by_agency, notifications_created_brin,
    notifications_held, notifications_idempotency, notifications_inbox_cursor;

CREATE TABLE notifications (
    LIKE notifications_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
    PRIMARY KEY (id)
) PARTITION BY RANGE (id);
ALTER TABLE notifications ALTER COLUMN id SET DEFAULT uuid_v7();
ALTER TABLE notifications
    ADD CONSTRAINT notifications_citizen_id_fkey FOREIGN KEY (citizen_id) REFERENCES citizens (id),
    ADD CONSTRAINT notifications_agency_id_fkey FOREIGN KEY (agency_id) REFERENCES agencies (id),
    ADD CONSTRAINT notifications_template_id_fkey
        FOREIGN KEY (template_id) REFERENCES notification_templates (id),
    ADD CONSTRAINT notifications_campaign_id_fkey
        FOREIGN KEY (campaign_id) REFERENCES notification_campaigns (id);
CREATE TABLE notifications_default PARTITION OF notifications DEFAULT WITH (fillfactor = 90);

-- No foreign key to the inbox (a month of messages could not be dropped while one pointed at it): a
-- delivery is written in the same transaction as its message and goes with it, by the same bounds.
CREATE TABLE notification_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY,
    notification_id uuid NOT NULL,
    subscription_id uuid CONSTRAINT notification_deliveries_subscription_id_fkey
        REFERENCES push_subscriptions (id) ON DELETE SET NULL,
    endpoint_origin text NOT NULL,
    status text NOT NULL DEFAULT 'created' CONSTRAINT notification_deliveries_status_check CHECK (
        status IN ('created', 'sending', 'delivered', 'temporary-failure', 'permanent-failure',
                   'technical-failure', 'cancelled', 'suppressed')
    ),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, notification_id)
) PARTITION BY RANGE (notification_id);
CREATE TABLE notification_deliveries_default PARTITION OF notification_deliveries DEFAULT
    WITH (fillfactor = 70);

SELECT ensure_id_month_partitions('notifications', 'id', now()::date, (now() + interval '2 months')::date, 90);
SELECT ensure_id_month_partitions('notification_deliveries', 'notification_id', now()::date,
                                  (now() + interval '2 months')::date, 70);

INSERT INTO notifications SELECT * FROM notifications_unpartitioned;
INSERT INTO notification_deliveries (id, notification_id, subscription_id, endpoint_origin, status, updated_at)
OVERRIDING SYSTEM VALUE
SELECT id, notification_id, subscription_id, endpoint_origin, status, updated_at
FROM notification_deliveries_unpartitioned;
SELECT setval(pg_get_serial_sequence('notification_deliveries', 'id'),
              coalesce((SELECT max(id) FROM notification_deliveries_unpartitioned), 0) + 1, false);
DROP TABLE notification_deliveries_unpartitioned;
DROP TABLE notifications_unpartitioned;

CREATE INDEX notification_deliveries_notification ON notification_deliveries (notification_id);
CREATE INDEX notification_deliveries_subscription ON notification_deliveries (subscription_id)
    WHERE subscription_id IS NOT NULL;

CREATE INDEX notifications_inbox_cursor ON notifications (citizen_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX notifications_by_agency ON notifications (agency_id, created_at);
CREATE INDEX notifications_created_brin ON notifications USING brin (created_at);
CREATE INDEX notifications_bodies_to_purge ON notifications (created_at)
    WHERE body_purged_at IS NULL AND campaign_id IS NULL;
-- A partitioned table's unique index must hold the partition key, so these two are plain indexes, and a
-- key stays unique by claim_notification_key, which every writer of a message calls first in its
-- transaction: it waits for any other writer of the agency's key to the same person, then says whether
-- the key is free.
CREATE INDEX notifications_idempotency ON notifications (agency_id, citizen_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX notifications_held ON notifications (held_for, agency_id, idempotency_key)
    WHERE held_for IS NOT NULL;

CREATE TRIGGER campaign_counts_on_insert AFTER INSERT ON notifications
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_counts_apply();
CREATE TRIGGER campaign_counts_on_update AFTER UPDATE ON notifications
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION campaign_counts_apply();

CREATE FUNCTION claim_notification_key(agency bigint, citizen uuid, held bytea, key text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(
        'notification-key:' || agency || ':' || coalesce(citizen::text, encode(held, 'hex')) || ':' || key, 0));
    RETURN NOT EXISTS (
        SELECT FROM notifications n
        WHERE n.agency_id = agency AND n.idempotency_key = key AND (n.citizen_id = citizen OR n.held_for = held)
    );
END
$$;
