"""Retention of a month of inbox messages (``make bench``): dropping the month's partitions of messages and
deliveries (migration 0060), beside the per-row delete it replaced (batches of 5,000 messages with their
deliveries, as before 0060; today's path for the DEFAULT partition's rows) on as many messages of another
month waiting in the DEFAULT partition, in one run: time, WAL written, and a citizen's first inbox page
(p50/p99) read all along by a few readers, idle and during each purge. Printed, never asserted.
``BENCH_MESSAGES`` sets how many messages each month holds (1,000,000 by default), each with a delivery.

WAL is the cluster's WAL position before and after: other databases on the same server add theirs, so it
is an upper bound."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time

from backend.core.db import Pool
from backend.core.partitions import ensure_months
from backend.core.resources import Resources
from notifications.queries.deliveries import INBOX, INBOX_DELIVERIES, drop_inbox_months, forget_messages
from tests.bench.readers import p50_p99, read_while
from tests.factories import make_agency

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000000"))
RECENT = 200_000  # what the citizens read while the old months go
CITIZENS = 2000
READERS = 4
BATCH = 5000
DAYS = 1095  # NOTIFICATION_RETENTION_DAYS' default
_FILL = """
    WITH written AS (
        INSERT INTO notifications (id, citizen_id, agency_id, title_th, title_en, body_th, body_en, urgency,
                                   ttl_seconds, idempotency_key, request_hash, status, created_at)
        SELECT uuid_v7(t.at), c.id, $5, 'แจ้งเตือนค่าน้ำประปา', 'Water bill', 'ครบกำหนดชำระ', 'Due soon',
               'normal', 86400, 'bench-' || $6::text || '-' || g, '\\x00', 'delivered', t.at
        FROM generate_series(1, $3::int) AS g
        JOIN (SELECT id, row_number() OVER () - 1 AS n FROM citizens WHERE issuer = 'inbox-bench') AS c
            ON c.n = g % $4::int
        CROSS JOIN LATERAL (SELECT $1::timestamptz + make_interval(secs => g * $2::float8) AS at) AS t
        RETURNING id
    )
    INSERT INTO notification_deliveries (notification_id, endpoint_origin, status)
    SELECT id, 'https://fcm.googleapis.com', 'delivered' FROM written
"""
_PAGE = """
    SELECT id, created_at, status FROM notifications
    WHERE citizen_id = $1::uuid AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 21
"""


async def _fill(
    pool: Pool, agency_id: int, start: dt.datetime, rows: int, seconds_apart: float, tag: str
) -> None:
    for done in range(0, rows, 20_000):  # in parts, each well inside the statement time-out
        part = min(20_000, rows - done)
        await pool.execute(_FILL, start, seconds_apart, part, CITIZENS, agency_id, f"{tag}{done}")
        start += dt.timedelta(seconds=part * seconds_apart)


async def _wal_position(pool: Pool) -> int:
    position = await pool.fetchval("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")
    return int(position)


async def _clean_up(pool: Pool, agency_id: int) -> None:
    await pool.execute(
        "DELETE FROM notification_deliveries WHERE notification_id IN "
        "(SELECT id FROM notifications WHERE agency_id = $1)",
        agency_id,
        timeout=600,
    )
    await pool.execute("DELETE FROM notifications WHERE agency_id = $1", agency_id, timeout=600)
    await pool.execute("DELETE FROM citizens WHERE issuer = 'inbox-bench'", timeout=600)


async def _per_row(pool: Pool) -> int:
    forgotten = 0
    while count := await forget_messages(pool, DAYS, BATCH):
        forgotten += count
    return forgotten


async def test_dropping_a_month_of_messages_against_deleting_them_one_by_one(resources: Resources) -> None:
    pool = resources.pool
    await pool.execute(
        "INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, "
        "subject) "
        "SELECT sha256(('inbox-bench' || g)::bytea), '\\x00', 'bench', 'inbox-bench', 'inbox-bench' || g "
        "FROM generate_series(1, $1) AS g",
        CITIZENS,
    )
    citizens = [
        row["id"]
        for row in await pool.fetch("SELECT id::text AS id FROM citizens WHERE issuer = 'inbox-bench'")
    ]
    agency_id = await make_agency(pool, status="approved")
    year = dt.datetime.now(dt.UTC).year - 4  # months long past retention
    partitioned = dt.datetime(year, 3, 1, tzinfo=dt.UTC)  # its month made: dropped whole
    waiting = dt.datetime(year, 5, 1, tzinfo=dt.UTC)  # no month made: in the DEFAULT partition
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    for table in (INBOX, INBOX_DELIVERIES):
        await ensure_months(pool, table, partitioned.date(), partitioned.date())
        await ensure_months(pool, table, recent.date(), dt.datetime.now(dt.UTC).date())
    month_seconds = 30 * 24 * 3600
    await _fill(pool, agency_id, partitioned, MESSAGES, month_seconds / MESSAGES, "p")
    await _fill(pool, agency_id, waiting, MESSAGES, month_seconds / MESSAGES, "d")
    await _fill(pool, agency_id, recent, RECENT, 1.0, "r")
    for name in ("notifications", "notification_deliveries"):
        await pool.execute(f"VACUUM ANALYZE {name}", timeout=1200)
    await pool.execute("CHECKPOINT", timeout=600)
    assert (
        await pool.fetchval("SELECT count(*) FROM notifications_default WHERE agency_id = $1", agency_id)
        == MESSAGES
    )

    idle = await read_while(pool, _PAGE, citizens, asyncio.sleep(5), READERS)

    position, started = await _wal_position(pool), time.perf_counter()
    per_row = asyncio.ensure_future(_per_row(pool))
    during_delete = await read_while(pool, _PAGE, citizens, per_row, READERS)
    delete_seconds, delete_wal = time.perf_counter() - started, await _wal_position(pool) - position
    assert per_row.result() == MESSAGES

    await pool.execute("CHECKPOINT", timeout=600)
    timed: list[float] = []

    async def drop_within_a_window() -> None:
        """The drop, and reads going on for the idle window's length around it."""
        await asyncio.sleep(1)
        position, started = await _wal_position(pool), time.perf_counter()
        dropped = await drop_inbox_months(pool, DAYS)
        timed.extend([time.perf_counter() - started, await _wal_position(pool) - position])
        assert f"notifications_p{partitioned:%Y%m}" in dropped
        await asyncio.sleep(4)

    during_drop = await read_while(pool, _PAGE, citizens, drop_within_a_window(), READERS)
    drop_seconds, drop_wal = timed
    assert await pool.fetchval("SELECT count(*) FROM notifications WHERE agency_id = $1", agency_id) == RECENT
    await _clean_up(pool, agency_id)  # the benches after this one share the database
    print(
        f"\ninbox retention of {MESSAGES:,} messages with a delivery each (one month); {RECENT:,} recent, "
        f"read by {READERS}:"
        f"\nper-row delete (before 0060, baseline): {delete_seconds:.2f} s, WAL {delete_wal / 1e6:.1f} MB "
        f"({delete_wal / MESSAGES:.0f} B a message)"
        f"\nmonth dropped: {drop_seconds:.3f} s, ratio {drop_seconds / delete_seconds:.4f}; "
        f"WAL {drop_wal / 1e6:.3f} MB (cluster-wide, an upper bound), ratio {drop_wal / delete_wal:.5f}"
        f"\nfirst inbox page p50/p99: idle {p50_p99(idle)} ({len(idle)} reads); "
        f"during the delete {p50_p99(during_delete)} ({len(during_delete)}); "
        f"5 s around the drop {p50_p99(during_drop)} ({len(during_drop)})"
    )
