-- ensure_month_partitions (0045: the access log, delivery attempts, payment events, webhook calls) moved
-- a month's rows out of the DEFAULT partition and attached the month with nothing keeping writers out: a
-- row written into that month meanwhile (the worker was down past the months made ahead, so the month's
-- rows were still arriving in the DEFAULT) made the ATTACH fail ("updated partition constraint for
-- default partition would be violated"), and so every daily run after it, while the DEFAULT kept
-- growing. As 0064 did for the tables partitioned by id: when the DEFAULT holds rows of a month to be
-- made, the parent is locked against writes first (EXCLUSIVE: plain reads go on; waited for at most 5 s,
-- else this run fails and the next tries again), so nothing arrives between the move and the ATTACH.
-- The usual case, months made ahead with nothing to move, takes no such lock; a row written into a new
-- month's range between the check and its ATTACH then makes the ATTACH fail, and the next run moves it.
CREATE OR REPLACE FUNCTION ensure_month_partitions(parent text, key text, first_month date, last_month date)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    month date := date_trunc('month', first_month);
    child text;
    low timestamptz;
    high timestamptz;
    waiting boolean;
    lock_wait text;
    created integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('ensure_month_partitions:' || parent));  -- two workers at once
    low := month::timestamp AT TIME ZONE 'UTC';
    high := (date_trunc('month', last_month) + interval '1 month')::timestamp AT TIME ZONE 'UTC';
    EXECUTE format('SELECT EXISTS (SELECT FROM %I WHERE %I >= $1 AND %I < $2)',
                   parent || '_default', key, key) INTO waiting USING low, high;
    IF waiting THEN
        lock_wait := current_setting('lock_timeout');
        PERFORM set_config('lock_timeout', '5s', true);
        EXECUTE format('LOCK TABLE %I IN EXCLUSIVE MODE', parent);
        PERFORM set_config('lock_timeout', lock_wait, true);
    END IF;
    WHILE month <= last_month LOOP
        child := format('%s_p%s', parent, to_char(month, 'YYYYMM'));
        IF to_regclass(quote_ident(child)) IS NULL THEN
            low := month::timestamp AT TIME ZONE 'UTC';
            high := (month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', child, parent);
            IF waiting THEN
                EXECUTE format(
                    'WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) '
                    'INSERT INTO %I SELECT * FROM moved',
                    parent || '_default', key, key, child
                ) USING low, high;
            END IF;
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           parent, child, low, high);
            created := created + 1;
        END IF;
        month := month + interval '1 month';
    END LOOP;
    RETURN created;
END
$$;
