from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import msgspec
import pytest
import pytest_asyncio

from backend.applications.states import ApplicationRef
from backend.connectors.entitlements import NewlyEligible
from backend.core import migrate
from backend.core.errors import ConfigurationError
from backend.core.migrate import MIGRATION_LOCK_KEY, Migration, discover_migrations, status, upgrade
from backend.server.tasks import TASKS
from notifications.campaigns import CampaignRef
from notifications.service import DeliveryBatch, NotificationRef
from payments.service import PaymentRef, RefundRef
from tests.servers import Servers, create_scratch_database, drop_database, with_database


@pytest_asyncio.fixture
async def empty_database(servers: Servers) -> AsyncIterator[str]:
    name = await create_scratch_database(servers.admin_dsn, prefix="citizen_migrate")
    yield with_database(servers.admin_dsn, name)
    await drop_database(servers.admin_dsn, name)


async def test_upgrade_applies_every_migration_once_and_a_second_run_is_a_no_op(empty_database: str) -> None:
    known = discover_migrations()
    assert known, "the foundation migration must be discovered"
    first = await upgrade(empty_database)
    second = await upgrade(empty_database)
    assert [m.version for m in first] == [m.version for m in known]
    assert second == []
    connection = await asyncpg.connect(empty_database)
    try:
        versions = [row["version"] for row in await connection.fetch("SELECT version FROM schema_migrations")]
        assert await connection.fetchval("SELECT to_regclass('task_outbox') IS NOT NULL")
    finally:
        await connection.close()
    assert sorted(versions) == [m.version for m in known]


async def _advisory_waiters(connection: asyncpg.Connection[asyncpg.Record]) -> int:
    count: int = await connection.fetchval(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())"
    )
    return count


async def test_a_concurrent_upgrade_waits_for_the_lock_then_finds_nothing_to_do(empty_database: str) -> None:
    holder = await asyncpg.connect(empty_database)
    runs: list[asyncio.Task[list[Migration]]] = []
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        runs += [asyncio.create_task(upgrade(empty_database)) for _ in range(2)]
        for _ in range(200):  # until both runs are queued on the lock in PostgreSQL
            if await _advisory_waiters(holder) == 2:
                break
            await asyncio.sleep(0.05)
        assert await _advisory_waiters(holder) == 2
        assert not any(run.done() for run in runs)
        assert not await holder.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        results = sorted(await asyncio.gather(*runs), key=len)
    finally:
        await holder.close()  # releases the lock if an assertion failed while it was held
        await asyncio.gather(*runs, return_exceptions=True)
    assert results[0] == []
    assert [m.version for m in results[1]] == [m.version for m in discover_migrations()]


async def test_an_applied_migration_that_was_edited_is_refused(empty_database: str) -> None:
    await upgrade(empty_database)
    connection = await asyncpg.connect(empty_database)
    try:
        await connection.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
    finally:
        await connection.close()
    with pytest.raises(ConfigurationError, match="0001_foundation was changed after it was applied"):
        await upgrade(empty_database)


async def test_a_migration_waits_for_its_locks_only_so_long_then_tries_again(
    empty_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long transaction on a table a migration must lock no longer holds every read of that table up
    behind the waiting migration for as long as it lasts: the migration gives way, then tries again."""
    await upgrade(empty_database)
    monkeypatch.setattr(migrate, "LOCK_WAIT", "100ms")
    monkeypatch.setattr(migrate, "LOCK_PAUSE_SECONDS", 0.05)
    later = Migration(9999, "add_a_column", "backend", "ALTER TABLE agencies ADD COLUMN motto text;")
    holder = await asyncpg.connect(empty_database)
    try:
        reading = holder.transaction()
        await reading.start()
        await holder.fetch("SELECT id FROM agencies LIMIT 1")  # a long read holds the table
        with pytest.raises(ConfigurationError, match="9999_add_a_column could not take its locks"):
            await upgrade(empty_database, [later])
        assert await holder.fetchval("SELECT count(*) FROM schema_migrations WHERE version = 9999") == 0
        applying = asyncio.create_task(upgrade(empty_database, [later]))
        await asyncio.sleep(0.2)  # a try or two given up while the read goes on
        await reading.rollback()
        assert [m.version for m in await applying] == [9999]  # the next try, once the read is over
        assert await holder.fetchval(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'agencies' AND column_name = 'motto'"
        )
    finally:
        await holder.close()


async def test_status_lists_pending_migrations_then_applied_ones(empty_database: str) -> None:
    before = await status(empty_database)
    assert before
    assert all(row.applied_at is None for row in before)
    await upgrade(empty_database)
    after = await status(empty_database)
    assert [row.version for row in after] == [row.version for row in before]
    assert all(row.applied_at is not None for row in after)


async def test_tasks_queued_before_payloads_were_typed_still_decode_to_their_kinds_payload(
    empty_database: str,
) -> None:
    await upgrade(empty_database, [m for m in discover_migrations() if m.version < 21])
    some_id = uuid.uuid4()
    legacy = {  # task: (the text reference it was queued with, the payload it must become)
        "payments.agency_webhook": (str(some_id), PaymentRef(some_id)),
        "payments.refund_webhook": (str(some_id), RefundRef(some_id)),
        "notifications.deliver": ("7,8,9", DeliveryBatch([7, 8, 9])),
        "notifications.expand_campaign": (str(some_id), CampaignRef(some_id)),
        "notifications.release": (str(some_id), NotificationRef(some_id)),
        "notifications.status_webhook": (str(some_id), NotificationRef(some_id)),
        "applications.deliver": (str(some_id), ApplicationRef(some_id)),
        "entitlements.newly_eligible": (f"{some_id}:12:a:b", NewlyEligible(some_id, 12, "a:b")),
    }
    # Made after 0021: never queued with a text reference.
    born_typed = {"delegation.assisted_hour_ends", "programmes.tell_admitted", "payments.receipt_message"}
    assert set(legacy) == set(TASKS.names()) - born_typed  # every older kind has its conversion
    connection = await asyncpg.connect(empty_database)
    try:
        for task, (ref_id, _) in [*legacy.items(), ("tests.retired", ("old-ref", None))]:
            await connection.execute("INSERT INTO task_outbox (task, ref_id) VALUES ($1, $2)", task, ref_id)
        await upgrade(empty_database)
        rows = await connection.fetch("SELECT task, payload::text AS payload FROM task_outbox")
    finally:
        await connection.close()
    stored = {row["task"]: row["payload"] for row in rows}
    for task, (_, payload) in legacy.items():
        handled = TASKS.get(task)
        assert handled is not None
        assert msgspec.json.decode(stored[task], type=handled.kind.payload) == payload
    assert msgspec.json.decode(stored["tests.retired"]) == {"ref_id": "old-ref"}
