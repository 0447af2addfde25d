"""Tables that only grow (the data-access log, delivery attempts, payment events) are partitioned by month:
each row lands in its month's partition, the coming months are made ahead, retention drops whole months
past the period and never under the legal floor, and the citizen's record reads the same across months."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest
from litestar import Litestar

from backend.connectors.access_log import ACCESS_LOG
from backend.connectors.service import forget_old_records
from backend.core import partitions
from backend.core.migrate import discover_migrations, upgrade
from backend.core.partitions import MONTHS_AHEAD, ensure_months, ensure_partitions, months_of
from backend.core.resources import Resources
from backend.identity.service import Identity
from backend.server.worker import PARTITIONED, maintain_partitions
from notifications.queries.deliveries import INBOX
from payments.retention import PAYMENT_EVENTS, forget_old_events
from tests.factories import (
    make_access_record,
    make_agency,
    make_bill,
    make_citizen,
    make_notification,
    make_payment,
)
from tests.integration.conftest import SignIn
from tests.servers import Servers, create_scratch_database, drop_database, with_database


def _ago(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)


def _month(table: str, when: dt.datetime) -> str:
    return f"{table}_p{when:%Y%m}"


async def _record_at(resources: Resources, citizen: str, when: dt.datetime) -> int:
    """A staff look-up (never grouped with another) in the citizen's record, written at ``when``."""
    record = await make_access_record(resources.pool, citizen, kind="staff_lookup", actor_kind="staff")
    await resources.pool.execute("UPDATE data_access_log SET at = $2 WHERE id = $1", record.id, when)
    return record.id


async def _partition_of(resources: Resources, record_id: int) -> str:
    name: str = await resources.pool.fetchval(
        "SELECT tableoid::regclass::text FROM data_access_log WHERE id = $1", record_id
    )
    return name


async def test_the_coming_months_are_made_ahead_and_each_row_lands_in_its_month(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    assert await maintain_partitions({"resources": resources}) == 0  # the migrations made them already
    today = dt.datetime.now(dt.UTC)
    for table in PARTITIONED:
        made = await months_of(pool, table)
        ahead = [dt.date(today.year + (today.month - 1 + n) // 12, (today.month - 1 + n) % 12 + 1, 1)
                 for n in range(MONTHS_AHEAD + 1)]  # fmt: skip
        assert {_month(table.table, dt.datetime(d.year, d.month, 1)) for d in ahead} <= set(made)
        assert await ensure_partitions(pool, table) == 0  # a second run finds nothing to do

    identity: Identity = app.state.identity
    citizen = await make_citizen(pool, identity.cipher)
    now = await _record_at(resources, citizen, today)
    assert await _partition_of(resources, now) == _month("data_access_log", today)
    await ensure_months(pool, ACCESS_LOG, _ago(400).date(), _ago(400).date())
    old = await _record_at(resources, citizen, _ago(400))  # moved by the update into its month
    assert await _partition_of(resources, old) == _month("data_access_log", _ago(400))


async def test_a_row_whose_month_has_no_partition_waits_in_the_default_one_and_moves_when_it_is_made(
    app: Litestar, resources: Resources
) -> None:
    identity: Identity = app.state.identity
    citizen = await make_citizen(resources.pool, identity.cipher)
    when = dt.datetime(2001, 2, 14, 12, tzinfo=dt.UTC)  # a month no one makes
    record = await _record_at(resources, citizen, when)  # the insert did not fail
    assert await _partition_of(resources, record) == "data_access_log_default"

    assert await ensure_months(resources.pool, ACCESS_LOG, when.date(), when.date()) == 1
    assert await _partition_of(resources, record) == "data_access_log_p200102"  # same row, same id
    await resources.pool.execute("DROP TABLE data_access_log_p200102")


async def test_a_row_written_while_its_month_is_made_waits_and_lands_in_it(
    app: Litestar, resources: Resources
) -> None:
    """A worker down past the months made ahead: the month's rows still arrive in the DEFAULT partition
    while it is made. One written meanwhile waits for the move (migration 0067) instead of making the
    ATTACH fail, as it did on every daily run after."""
    pool = resources.pool
    identity: Identity = app.state.identity
    citizen = await make_citizen(pool, identity.cipher)
    when = dt.datetime(2001, 3, 14, 12, tzinfo=dt.UTC)  # a month no one makes
    first = await _record_at(resources, citizen, when)
    try:
        async with pool.acquire() as writer:
            writing = writer.transaction()
            await writing.start()
            second = await make_access_record(writer, citizen, kind="staff_lookup", actor_kind="staff")
            await writer.execute("UPDATE data_access_log SET at = $2 WHERE id = $1", second.id, when)
            making = asyncio.create_task(ensure_months(pool, ACCESS_LOG, when.date(), when.date()))
            for _ in range(100):  # until the month's making is seen waiting for the writer (a lock)
                if await pool.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE 'SELECT ensure_month_partitions%'"
                ):
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail("the month was made without waiting for the writer")
            await writing.commit()
        assert await making == 1
        assert {await _partition_of(resources, record) for record in (first, second.id)} == {
            "data_access_log_p200103"
        }
    finally:
        await pool.execute("DROP TABLE IF EXISTS data_access_log_p200103")


async def test_a_change_arriving_while_a_month_is_moved_out_of_the_default_partition_is_not_lost(
    app: Litestar, resources: Resources
) -> None:
    """A month's rows leave the DEFAULT partition by a delete and an insert: a change to one of them arriving
    meanwhile (a message read, a delivery's status) waits for the move and lands on the moved row, instead
    of finding the row deleted and changing nothing (migration 0064). The tables partitioned by time are
    only ever added to."""
    pool = resources.pool
    identity: Identity = app.state.identity
    citizen = await make_citizen(pool, identity.cipher)
    notice = await make_notification(pool, citizen, await make_agency(pool, status="approved"))
    when = dt.datetime(2031, 3, 10, 12, tzinfo=dt.UTC)  # a month no one makes
    moved = await pool.fetchval(
        "UPDATE notifications SET id = uuid_v7($2) WHERE id = $1 RETURNING id", notice.id, when
    )
    where = "FROM notifications WHERE id = $1"
    assert await pool.fetchval(f"SELECT tableoid::regclass::text {where}", moved) == "notifications_default"
    try:
        async with pool.acquire() as mover:
            moving = mover.transaction()
            await moving.start()
            try:
                assert await ensure_months(mover, INBOX, when.date(), when.date()) == 1
                read = asyncio.create_task(
                    pool.execute("UPDATE notifications SET read_at = now() WHERE id = $1", moved)
                )
                for _ in range(100):  # until the change is seen waiting for the move (a lock)
                    if await pool.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE 'UPDATE notifications SET read_at%'"
                    ):
                        break
                    await asyncio.sleep(0.05)
                else:
                    pytest.fail("the change did not wait for the move")
                assert not read.done()
            finally:
                await moving.commit()
        assert await read == "UPDATE 1"
        row = await pool.fetchrow(f"SELECT tableoid::regclass::text AS part, read_at {where}", moved)
        assert row is not None
        assert (row["part"], row["read_at"] is not None) == ("notifications_p203103", True)
    finally:
        await pool.execute("DROP TABLE IF EXISTS notifications_p203103")


async def test_retention_drops_only_months_wholly_past_the_period_and_never_under_the_legal_floor(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    identity: Identity = app.state.identity
    citizen = await make_citizen(pool, identity.cipher)
    await ensure_months(pool, ACCESS_LOG, _ago(400).date(), _ago(0).date())
    # 400 and 130 days old: their months ended more than 90 days ago. 89 days: its month has not.
    ids = {days: await _record_at(resources, citizen, _ago(days)) for days in (400, 130, 89, 0)}
    in_default = await _record_at(resources, citizen, dt.datetime(2001, 2, 14, tzinfo=dt.UTC))

    with pytest.raises(ValueError, match="at least 90 days"):
        await forget_old_records(pool, access_log_days=30, state_days=400)
    access, _ = await forget_old_records(pool, access_log_days=90, state_days=400)

    assert {_month("data_access_log", _ago(400)), _month("data_access_log", _ago(130))} <= set(access.months)
    assert _month("data_access_log", _ago(89)) not in access.months
    assert access.default_rows == 1  # a row as old in the DEFAULT partition goes row by row
    kept = {row["id"] for row in await pool.fetch("SELECT id FROM data_access_log")}
    assert kept == {ids[89], ids[0]}
    assert in_default not in kept
    assert _month("data_access_log", _ago(89)) in await months_of(pool, ACCESS_LOG)


async def test_payment_events_are_kept_at_least_five_years_then_dropped_a_month_at_a_time(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    identity: Identity = app.state.identity
    citizen = await make_citizen(pool, identity.cipher)
    hashed = await pool.fetchval("SELECT national_id_hash FROM citizens WHERE id = $1::uuid", citizen)
    bill = await make_bill(pool, await make_agency(pool, status="approved"), hashed)
    payment = await make_payment(pool, bill, citizen)
    eleven_years = _ago(11 * 366)
    await ensure_months(pool, PAYMENT_EVENTS, eleven_years.date(), eleven_years.date())
    for when in (eleven_years, _ago(0)):
        await pool.execute(
            "INSERT INTO payment_events (payment_id, from_state, to_state, source, at) "
            "VALUES ($1::uuid, NULL, 'created', 'system', $2)",
            payment.id,
            when,
        )
    with pytest.raises(ValueError, match="at least 2191 days"):
        await forget_old_events(pool, days=365)

    events = await forget_old_events(pool, days=3650)

    assert events.months == [_month("payment_events", eleven_years)]
    recent = await pool.fetch("SELECT at FROM payment_events WHERE payment_id = $1::uuid", payment.id)
    assert len(recent) == 1  # this year's history stays
    assert recent[0]["at"] > _ago(1)


async def test_the_citizens_record_pages_across_month_boundaries_newest_first(
    sign_in: SignIn, resources: Resources
) -> None:
    browser = await sign_in()
    citizen: str = await resources.pool.fetchval("SELECT id::text FROM citizens")
    await ensure_months(resources.pool, ACCESS_LOG, _ago(100).date(), _ago(0).date())
    ages = [0, 0, 31, 32, 62, 95]  # two in this month, then one or two in each of three earlier months
    written = [await _record_at(resources, citizen, _ago(days)) for days in reversed(ages)]
    assert len({await _partition_of(resources, record) for record in written}) >= 3

    seen: list[int] = []
    before: int | None = None
    while True:
        params = {"limit": 2} | ({"before": before} if before else {})
        page = (await browser.get("/api/v1/me/data-access", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        if (before := page["next_before"]) is None:
            break
    assert seen == sorted(written, reverse=True)  # every record once, newest first, none skipped


async def test_the_migration_moves_an_existing_install_s_records_into_their_months(servers: Servers) -> None:
    name = await create_scratch_database(servers.admin_dsn, prefix="citizen_partitions")
    dsn = with_database(servers.admin_dsn, name)
    try:
        known = discover_migrations()
        await upgrade(dsn, [m for m in known if m.version < 45])  # an install from before partitioning
        connection = await asyncpg.connect(dsn)
        try:
            citizen = await connection.fetchval(
                "INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, "
                "subject) VALUES ($1, '\\x00', 'k', 'i', 's') RETURNING id",
                bytes(32),
            )
            before = await connection.fetch(
                """
                INSERT INTO data_access_log (citizen_id, kind, actor_kind, purpose_th, purpose_en, outcome,
                                             at)
                SELECT $1, 'staff_lookup', 'staff', 'ดู', 'look', 'ok', now() - make_interval(days => d)
                FROM unnest('{700, 300, 40, 0}'::int[]) AS d
                RETURNING id, at
                """,
                citizen,
            )
            await upgrade(dsn)
            after = await connection.fetch(
                "SELECT id, at, tableoid::regclass::text AS part FROM data_access_log ORDER BY id"
            )
            assert [(row["id"], row["at"]) for row in after] == [(row["id"], row["at"]) for row in before]
            assert all(row["part"] == _month("data_access_log", row["at"]) for row in after)
            next_id = await connection.fetchval(
                "INSERT INTO data_access_log (citizen_id, kind, actor_kind, purpose_th, purpose_en, outcome) "
                "VALUES ($1, 'staff_lookup', 'staff', 'ดู', 'look', 'ok') RETURNING id",
                citizen,
            )
            assert next_id > max(row["id"] for row in before)  # the numbering carries on
        finally:
            await connection.close()
    finally:
        await drop_database(servers.admin_dsn, name)


async def test_a_month_held_by_a_long_read_is_left_for_the_next_run_not_waited_for(
    app: Litestar, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = resources.pool
    monkeypatch.setattr(partitions, "LOCK_TRIES", 2)
    long_ago = _ago(1000)
    await ensure_months(pool, ACCESS_LOG, long_ago.date(), long_ago.date())
    month = _month("data_access_log", long_ago)
    async with pool.acquire() as reader, reader.transaction():
        await reader.fetch("SELECT id FROM data_access_log LIMIT 1")  # holds the table until it ends
        access, _ = await forget_old_records(pool, access_log_days=730, state_days=400)
        assert month not in access.months
    assert month in await months_of(pool, ACCESS_LOG)
    access, _ = await forget_old_records(pool, access_log_days=730, state_days=400)
    assert month in access.months  # the next run, once the read is over


async def test_a_table_whose_months_cannot_be_made_leaves_the_others_made(
    resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The daily job goes on past a table that fails (its months' rows in use past the lock wait): the
    access log's failure once left every table after it, and the inbox's retention, undone for good."""
    made: list[str] = []

    async def ensure(db: object, table: partitions.Partitioned) -> int:
        if table is ACCESS_LOG:
            raise asyncpg.LockNotAvailableError("canceling statement due to lock timeout")
        made.append(table.table)
        return 0

    forgotten: list[int] = []

    async def forget(pool: object, *, days: int) -> tuple[list[str], int]:
        forgotten.append(days)
        return [], 0

    monkeypatch.setattr("backend.server.worker.ensure_partitions", ensure)
    monkeypatch.setattr("backend.server.worker.forget_old_messages", forget)
    assert await maintain_partitions({"resources": resources}) == 0
    assert made == [table.table for table in PARTITIONED if table is not ACCESS_LOG]
    assert forgotten == [resources.settings.notification_retention_days]
