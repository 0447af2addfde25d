-- Tables that only grow are split into a partition per month (PostgreSQL declarative partitioning), so
-- retention drops a whole month at once (backend.core.partitions) instead of deleting row by row: no
-- rewrite, next to no WAL, and the citizens' reads untouched. A DEFAULT partition takes any row whose
-- month has no partition yet (the worker creates them ahead; see ensure_month_partitions), so an insert
-- never fails. "Who accessed my data" is the first; delivery attempts and payment events follow.

-- Monthly partitions (UTC months, named <parent>_pYYYYMM) of ``parent`` from the month of ``first_month``
-- to that of ``last_month``, each created beside the table and attached, which needs only a SHARE UPDATE
-- EXCLUSIVE lock on the parent (CREATE TABLE ... PARTITION OF would block every read of it). Rows of
-- that month found in the DEFAULT partition (written while no partition existed) move into it first.
-- Returns how many it created. Called by the migrations and the worker's maintenance job.
CREATE OR REPLACE FUNCTION ensure_month_partitions(parent text, key text, first_month date, last_month date)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    month date := date_trunc('month', first_month);
    child text;
    low timestamptz;
    high timestamptz;
    created integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('ensure_month_partitions:' || parent));  -- two workers at once
    WHILE month <= last_month LOOP
        child := format('%s_p%s', parent, to_char(month, 'YYYYMM'));
        IF to_regclass(quote_ident(child)) IS NULL THEN
            low := month::timestamp AT TIME ZONE 'UTC';
            high := (month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', child, parent);
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

-- The unpartitioned table steps aside (its indexes and key go: the rows are read once, to be copied).
ALTER TABLE data_access_log RENAME TO data_access_log_unpartitioned;
ALTER SEQUENCE data_access_log_id_seq RENAME TO data_access_log_unpartitioned_id_seq;
ALTER TABLE data_access_log_unpartitioned DROP CONSTRAINT data_access_log_pkey;
DROP INDEX data_access_log_citizen, data_access_log_agency, data_access_log_citizen_kind,
    data_access_log_citizen_agency, data_access_log_connector_at;

CREATE TABLE data_access_log (
    id bigint GENERATED ALWAYS AS IDENTITY,
    citizen_id uuid NOT NULL CONSTRAINT data_access_log_citizen_id_fkey REFERENCES citizens (id),
    agency_id bigint CONSTRAINT data_access_log_agency_id_fkey REFERENCES agencies (id),
    connector_id bigint CONSTRAINT data_access_log_connector_id_fkey REFERENCES connectors (id),
    kind text NOT NULL CONSTRAINT data_access_log_kind_check
        CHECK (kind IN ('agency_call', 'staff_lookup', 'document_share', 'delegation')),
    actor_kind text NOT NULL CONSTRAINT data_access_log_actor_kind_check
        CHECK (actor_kind IN ('citizen', 'staff', 'system', 'share_recipient', 'delegate', 'assisted')),
    actor_id text,
    purpose_th text NOT NULL,
    purpose_en text NOT NULL,
    fields_th text[] NOT NULL DEFAULT '{}',
    fields_en text[] NOT NULL DEFAULT '{}',
    outcome text NOT NULL CONSTRAINT data_access_log_outcome_check
        CHECK (outcome IN ('ok', 'failed', 'timeout', 'refused')),
    detail_th text,
    detail_en text,
    at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT data_access_log_fields_pairs CHECK (cardinality(fields_th) = cardinality(fields_en)),
    CONSTRAINT data_access_log_detail_pairs CHECK ((detail_th IS NULL) = (detail_en IS NULL))
) PARTITION BY RANGE (at);
CREATE TABLE data_access_log_default PARTITION OF data_access_log DEFAULT;
SELECT ensure_month_partitions('data_access_log', 'at',
    coalesce((SELECT min(at) FROM data_access_log_unpartitioned), now())::date,
    (now() + interval '2 months')::date);

INSERT INTO data_access_log (id, citizen_id, agency_id, connector_id, kind, actor_kind, actor_id, purpose_th,
                             purpose_en, fields_th, fields_en, outcome, detail_th, detail_en, at)
OVERRIDING SYSTEM VALUE
SELECT id, citizen_id, agency_id, connector_id, kind, actor_kind, actor_id, purpose_th, purpose_en, fields_th,
       fields_en, outcome, detail_th, detail_en, at
FROM data_access_log_unpartitioned;
SELECT setval(pg_get_serial_sequence('data_access_log', 'id'),
              coalesce((SELECT max(id) FROM data_access_log_unpartitioned), 0) + 1, false);
DROP TABLE data_access_log_unpartitioned;

-- A partitioned table's unique key must hold its partition key. Ids still come from one sequence, and
-- pages are still keyed by id (each month's index is read in order and merged).
ALTER TABLE data_access_log ADD CONSTRAINT data_access_log_pkey PRIMARY KEY (id, at);
CREATE INDEX data_access_log_citizen ON data_access_log (citizen_id, id DESC);
CREATE INDEX data_access_log_agency ON data_access_log (agency_id, id DESC);
CREATE INDEX data_access_log_citizen_kind ON data_access_log (citizen_id, kind, id DESC);
CREATE INDEX data_access_log_citizen_agency ON data_access_log (citizen_id, agency_id, id DESC);
CREATE INDEX data_access_log_connector_at ON data_access_log (connector_id, at DESC) WHERE connector_id IS NOT NULL;
