"""Inbox retention (NOTIFICATION_RETENTION_DAYS): the inbox and its deliveries are partitioned by month of
message id (UUIDv7, migration 0060); the worker's daily maintenance drops a month past the period whole,
deliveries and messages, and deletes row by row only what waits in the DEFAULT partition (messages written
before partitioning). Recent messages stay whole, an agency's webhook log may still name a message gone,
an idempotency key stays unique without a unique index, and the migration keeps an install's messages."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import asyncpg
import pytest
from litestar import Litestar

from backend.core.db import Connection
from backend.core.migrate import discover_migrations, upgrade
from backend.core.partitions import drop_months_before, ensure_months
from backend.core.resources import Resources
from backend.identity.service import Identity
from backend.server.worker import maintain_partitions
from notifications.queries import messages
from notifications.queries.deliveries import BODIES, INBOX, INBOX_DELIVERIES
from notifications.queries.inbox import inbox
from notifications.retention import apply_retention
from tests.factories import make_agency, make_citizen
from tests.factories.notifications import make_device, make_notification
from tests.servers import Servers, create_scratch_database, drop_database, with_database


async def _partition_of(resources: Resources, table: str, column: str, notification_id: uuid.UUID) -> str:
    name: str = await resources.pool.fetchval(
        f"SELECT tableoid::regclass::text FROM {table} WHERE {column} = $1",
        notification_id,
    )
    return name


async def test_a_month_past_the_period_is_dropped_whole_and_the_default_partition_purged_row_by_row(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    days = resources.settings.notification_retention_days
    identity: Identity = app.state.identity
    agency_id = await make_agency(pool, status="approved")
    citizen = await make_citizen(pool, identity.cipher)
    await make_device(pool, citizen)
    now = dt.datetime.now(dt.UTC)
    in_old_month = now - dt.timedelta(days=days + 45)  # a month wholly past the period
    past_but_no_month = now - dt.timedelta(days=days + 1)  # its month has no partition: the DEFAULT one
    just_inside = now - dt.timedelta(days=days - 1)
    for table in (INBOX, INBOX_DELIVERIES, BODIES):
        await ensure_months(pool, table, in_old_month.date(), in_old_month.date())

    old = await make_notification(
        pool, citizen, agency_id, status="delivered", created_at=in_old_month, with_deliveries=True
    )
    waiting = await make_notification(
        pool, citizen, agency_id, status="delivered", created_at=past_but_no_month, with_deliveries=True
    )
    kept = [
        await make_notification(
            pool, citizen, agency_id, status="delivered", created_at=when, with_deliveries=True
        )
        for when in (just_inside, None)
    ]
    old_month = f"notifications_p{in_old_month:%Y%m}"
    assert await _partition_of(resources, "notifications", "id", old.id) == old_month
    assert await _partition_of(resources, "notification_deliveries", "notification_id", old.id) == (
        f"notification_deliveries_p{in_old_month:%Y%m}"
    )
    assert await _partition_of(resources, "notifications", "id", waiting.id) == "notifications_default"
    assert await _partition_of(resources, "notifications", "id", kept[1].id) == f"notifications_p{now:%Y%m}"
    await pool.execute(
        "INSERT INTO webhook_deliveries (agency_id, notification_id, attempt, status_code, outcome) "
        "VALUES ($1, $2, 1, 200, 'delivered')",
        agency_id,
        old.id,
    )

    async with pool.acquire() as connection, connection.transaction():
        await connection.execute("SET LOCAL enable_seqscan = off")  # a few rows: as over millions
        plan = "\n".join(
            row[0]
            for row in await connection.fetch(
                "EXPLAIN SELECT id FROM notifications WHERE created_at < now() - make_interval(days => $1) "
                "AND (substring(id::text, 15, 1) <> '7' OR tableoid = 'notifications_default'::regclass)",
                days,
            )
        )
    # The rows left to delete one by one are found through an index on created_at, never by reading all.
    assert "Seq Scan" not in plan, plan

    await maintain_partitions({"resources": resources})

    assert await pool.fetchval("SELECT to_regclass($1)", old_month) is None
    # Bodies are normally dropped long before (NOTIFICATION_BODY_RETENTION_DAYS); never after the message.
    assert await pool.fetchval("SELECT to_regclass($1)", f"notification_bodies_p{in_old_month:%Y%m}") is None
    assert (
        await pool.fetchval("SELECT to_regclass($1)", f"notification_deliveries_p{in_old_month:%Y%m}") is None
    )
    remaining = await pool.fetch(
        """
        SELECT n.id, count(d.id) AS deliveries
        FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
        GROUP BY n.id ORDER BY n.created_at
        """
    )
    assert [tuple(row) for row in remaining] == [(kept[0].id, 1), (kept[1].id, 1)]
    assert await pool.fetchval("SELECT count(*) FROM notification_deliveries") == 2
    bodies = await pool.fetch("SELECT notification_id FROM notification_bodies ORDER BY notification_id")
    assert [row[0] for row in bodies] == [kept[0].id, kept[1].id]
    # The agency's log of its webhook calls keeps its own period (WEBHOOK_DELIVERY_RETENTION_DAYS).
    assert await pool.fetchval(
        "SELECT notification_id FROM webhook_deliveries WHERE agency_id = $1", agency_id
    ) == (old.id)
    # A second run finds nothing more to drop or delete.
    await maintain_partitions({"resources": resources})
    assert await pool.fetchval("SELECT count(*) FROM notifications") == 2

    # Deliveries left in the DEFAULT partition by a month whose deliveries' partition was never made go
    # once past the period; one of a message written before 0060 (a v4 id) waits for its message.
    stray_id = await pool.fetchval("SELECT uuid_v7($1)", now - dt.timedelta(days=days + 40))
    for notification_id in (stray_id, uuid.UUID("00000000-0000-4000-8000-000000000000")):
        await pool.execute(
            "INSERT INTO notification_deliveries (notification_id, endpoint_origin) VALUES ($1, 'x')",
            notification_id,
        )
    await maintain_partitions({"resources": resources})
    left = {row[0] for row in await pool.fetch("SELECT notification_id FROM notification_deliveries_default")}
    assert stray_id not in left
    assert uuid.UUID("00000000-0000-4000-8000-000000000000") in left
    assert await pool.fetchval("SELECT count(*) FROM notification_deliveries") == 3  # the kept two's, and it


async def test_message_bodies_go_a_month_at_a_time_and_older_rows_are_cleared_one_by_one(
    app: Litestar, resources: Resources
) -> None:
    """NOTIFICATION_BODY_RETENTION_DAYS: a month of bodies past it is dropped whole, a body waiting in the
    DEFAULT partition is deleted, a body kept in its message's own row (written before migration 0065) is
    cleared; the messages stay, with their titles, and a body of the period stays whole."""
    pool = resources.pool
    days = resources.settings.notification_body_retention_days
    identity: Identity = app.state.identity
    agency_id = await make_agency(pool, status="approved")
    citizen = await make_citizen(pool, identity.cipher)
    now = dt.datetime.now(dt.UTC)
    in_old_month, past_but_no_month = now - dt.timedelta(days=days + 45), now - dt.timedelta(days=days + 1)
    for table in (INBOX, INBOX_DELIVERIES, BODIES):
        await ensure_months(pool, table, in_old_month.date(), in_old_month.date())
    old, waiting, kept = [
        await make_notification(pool, citizen, agency_id, status="delivered", created_at=when)
        for when in (in_old_month, past_but_no_month, now - dt.timedelta(days=days - 1))
    ]
    body_month = f"notification_bodies_p{in_old_month:%Y%m}"
    assert await _partition_of(resources, "notification_bodies", "notification_id", old.id) == body_month
    assert await _partition_of(resources, "notification_bodies", "notification_id", waiting.id) == (
        "notification_bodies_default"
    )
    written_before = await pool.fetchval(
        """
        INSERT INTO notifications (citizen_id, agency_id, title_th, title_en, body_th, body_en, url, urgency,
                                   ttl_seconds, idempotency_key, request_hash, created_at)
        VALUES ($1, $2, 'แจ้ง', 'Notice', 'ข้อความ', 'Text', '/bills', 'normal', 60, 'before-0065', '\\x00',
                now() - make_interval(days => $3 + 2))
        RETURNING id
        """,
        citizen,
        agency_id,
        days,
    )

    purged = await apply_retention(pool, body_days=days, metadata_days=1095)

    assert purged.bodies.months == [body_month]
    assert (purged.bodies.default_rows, purged.cleared) == (1, 1)
    assert await pool.fetchval("SELECT to_regclass($1)", body_month) is None
    shown = {item.id: item for item in await inbox(pool, uuid.UUID(str(citizen)), None, 10)}
    assert set(shown) == {old.id, waiting.id, kept.id, written_before}  # the messages stay
    for gone in (old.id, waiting.id, written_before):
        assert (shown[gone].title_en, shown[gone].body_en, shown[gone].url) == ("Notice", None, None)
    assert shown[kept.id].body_en is not None
    again = await apply_retention(pool, body_days=days, metadata_days=1095)
    assert (again.bodies.months, again.bodies.default_rows, again.cleared) == ([], 0, 0)
    # The inbox's DEFAULT partition holds ids written before 0060, whose age is not in the id.
    with pytest.raises(ValueError, match="not kept by its key"):
        await drop_months_before(pool, INBOX, days=days, floor_days=1)


async def test_an_idempotency_key_stays_unique_while_two_writers_race_for_it(
    app: Litestar, resources: Resources
) -> None:
    """The partitioned inbox has no unique index on (agency, citizen, key): the second writer waits for the
    first one's commit, then finds the key taken."""
    pool = resources.pool
    identity: Identity = app.state.identity
    agency_id = await make_agency(pool, status="approved")
    citizen = uuid.UUID(str(await make_citizen(pool, identity.cipher)))
    async with pool.acquire() as first, pool.acquire() as second:
        async with first.transaction():
            assert await messages.claim_key(first, agency_id, citizen, None, "bill-1")
            waiting = asyncio.ensure_future(_claim_in_transaction(second, agency_id, citizen, "bill-1"))
            await asyncio.sleep(0.3)
            assert not waiting.done()  # held by the first writer's lock
            await first.execute(
                """
                INSERT INTO notifications (citizen_id, agency_id, title_th, title_en, body_th, body_en,
                                           urgency, ttl_seconds, idempotency_key, request_hash)
                VALUES ($1, $2, 'แจ้ง', 'Notice', 'ข้อความ', 'Text', 'normal', 60, 'bill-1', '\\x00')
                """,
                citizen,
                agency_id,
            )
        assert await waiting is False
        assert await messages.claim_key(first, agency_id, citizen, None, "bill-2")  # another key is free


async def _claim_in_transaction(connection: Connection, agency_id: int, citizen: uuid.UUID, key: str) -> bool:
    async with connection.transaction():
        return await messages.claim_key(connection, agency_id, citizen, None, key)


async def test_the_migration_keeps_an_install_s_messages_and_new_ones_land_in_their_month(
    servers: Servers,
) -> None:
    name = await create_scratch_database(servers.admin_dsn, prefix="citizen_inbox_partitions")
    dsn = with_database(servers.admin_dsn, name)
    try:
        await upgrade(dsn, [m for m in discover_migrations() if m.version < 60])  # before partitioning
        connection = await asyncpg.connect(dsn)
        try:
            citizen = await connection.fetchval(
                "INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, "
                "subject) VALUES ($1, '\\x00', 'k', 'i', 's') RETURNING id",
                bytes(32),
            )
            agency = await connection.fetchval(
                "INSERT INTO agencies (code, name_th, name_en, status) "
                "VALUES ('old', 'เก่า', 'Old', 'approved') RETURNING id"
            )
            insert = """
                INSERT INTO notifications (citizen_id, agency_id, title_th, title_en, body_th, body_en,
                                           urgency, ttl_seconds, idempotency_key, request_hash, from_platform,
                                           created_at)
                VALUES ($1, $2, 'แจ้ง', 'Notice', 'ข้อความ', 'Text', 'normal', 60, $3, '\\x00', false,
                        now() - make_interval(days => $4))
                RETURNING id
            """
            before = [await connection.fetchval(insert, citizen, agency, f"k{n}", n) for n in (400, 3)]
            delivery = await connection.fetchval(
                "INSERT INTO notification_deliveries (notification_id, endpoint_origin) "
                "VALUES ($1, 'https://push.example') RETURNING id",
                before[0],
            )
            await upgrade(dsn)
            assert [
                row["id"]
                for row in await connection.fetch("SELECT id FROM notifications ORDER BY created_at")
            ] == (before)
            assert (
                await connection.fetchval(
                    "SELECT notification_id FROM notification_deliveries WHERE id = $1", delivery
                )
                == (before[0])
            )
            new = await connection.fetchval(insert, citizen, agency, "k-new", 0)
            assert new.version == 7
            part = await connection.fetchval(
                "SELECT tableoid::regclass::text FROM notifications WHERE id = $1", new
            )
            assert part == f"notifications_p{dt.datetime.now(dt.UTC):%Y%m}"
            next_delivery = await connection.fetchval(
                "INSERT INTO notification_deliveries (notification_id, endpoint_origin) "
                "VALUES ($1, 'https://push.example') RETURNING id",
                new,
            )
            assert next_delivery > delivery  # the numbering carries on
        finally:
            await connection.close()
    finally:
        await drop_database(servers.admin_dsn, name)
