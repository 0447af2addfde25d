-- ensure_id_month_partitions (0060) moved a month's rows out of the DEFAULT partition by a delete and an
-- insert. A change to one of those rows arriving meanwhile (a message read, a delivery's status) waited
-- for the delete's row lock, then found the row deleted and changed nothing: a lost update. Now, when the
-- DEFAULT partition holds rows of any month to be made, the parent is locked against writes and row locks
-- (EXCLUSIVE: plain reads go on) before anything else, so such a change waits for the moves, then finds
-- its row in the new partition. The lock comes before any month is attached (an ATTACH holds the DEFAULT
-- partition, which a writer holding the parent may want next) and waits at most 5 s, so writers never
-- queue long behind it; if it is not had, the call fails and the next run tries again. The usual case,
-- months made ahead with nothing to move, takes no such lock; a row written into a new month's range
-- between the check and its ATTACH makes the ATTACH fail, and the next run moves it.
CREATE OR REPLACE FUNCTION ensure_id_month_partitions(parent text, key text, first_month date,
                                                      last_month date, fillfactor integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    month date := date_trunc('month', first_month);
    child text;
    low uuid;
    high uuid;
    waiting boolean;
    lock_wait text;
    created integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('ensure_month_partitions:' || parent));
    low := uuid_v7_floor(month::timestamp AT TIME ZONE 'UTC');
    high := uuid_v7_floor(
        (date_trunc('month', last_month) + interval '1 month')::timestamp AT TIME ZONE 'UTC');
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
            low := uuid_v7_floor(month::timestamp AT TIME ZONE 'UTC');
            high := uuid_v7_floor((month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                           'WITH (fillfactor = %s)', child, parent, fillfactor);
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
