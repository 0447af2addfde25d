"""Retention of a month of inbox messages (``make bench``), each bench in one run: time, WAL written, and a
citizen's first inbox page (p50/p99) read all along by a few readers, idle and during each purge. Printed,
never asserted. ``BENCH_MESSAGES`` sets how many messages each month holds (1,000,000 by default).

- Messages (NOTIFICATION_RETENTION_DAYS): dropping the month's partitions of messages and deliveries
  (migration 0060), beside the per-row delete it replaced (batches of 5,000 messages with their deliveries,
  as before 0060; today's path for the DEFAULT partition's rows) on as many messages, each with a delivery,
  of another month waiting in the DEFAULT partition.
- Their bodies (NOTIFICATION_BODY_RETENTION_DAYS): dropping the month's partition of
  ``notification_bodies`` (migration 0065), beside the per-row clear it replaced (batches of 5,000 rows
  rewritten, as before 0065; today's path for bodies written before it) on as many messages of another
  month that keep their body in their own row; the page read with its texts.

WAL is the cluster's WAL position before and after: other databases on the same server add theirs, so it
is an upper bound."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, NamedTuple

import pytest

from backend.core.db import Pool
from backend.core.partitions import Dropped, drop_months_before, ensure_months
from backend.core.resources import Resources
from notifications.queries.deliveries import (
    BODIES,
    INBOX,
    INBOX_DELIVERIES,
    drop_inbox_months,
    forget_messages,
    purge_bodies,
)
from notifications.queries.texts import JOIN_BODY, JOIN_CAMPAIGN, TEXTS
from tests.bench.readers import clean_up_messages, fill, make_citizens, p50_p99, read_while, wal_position
from tests.factories import make_agency

pytestmark = pytest.mark.timeout(3600)  # two or three million rows written, then purged, on a shared machine

MESSAGES = int(os.environ.get("BENCH_MESSAGES", "1000000"))
RECENT = 200_000  # what the citizens read while the old months go
CITIZENS = 2000
READERS = 4
BATCH = 5000
DAYS = 1095  # NOTIFICATION_RETENTION_DAYS' default
BODY_DAYS = 365  # NOTIFICATION_BODY_RETENTION_DAYS' default
_FILL = """
    WITH written AS (
        INSERT INTO notifications (id, citizen_id, agency_id, title_th, title_en, body_th, body_en, urgency,
                                   ttl_seconds, idempotency_key, request_hash, status, created_at)
        SELECT uuid_v7(t.at), c.id, $6, 'แจ้งเตือนค่าน้ำประปา', 'Water bill', 'ครบกำหนดชำระ', 'Due soon',
               'normal', 86400, 'bench-' || $7::text || ($4::int + g), '\\x00', 'delivered', t.at
        FROM generate_series(1, $3::int) AS g
        JOIN (SELECT id, row_number() OVER () - 1 AS n FROM citizens WHERE issuer = 'inbox-bench') AS c
            ON c.n = g % $5::int
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
_BODY_MESSAGES = """
    INSERT INTO notifications (id, citizen_id, agency_id, title_th, title_en, body_th, body_en, url, urgency,
                               ttl_seconds, idempotency_key, request_hash, status, created_at, body_purged_at)
    SELECT uuid_v7(t.at), c.id, $6, 'แจ้งเตือนค่าน้ำประปา', 'Water bill',
           CASE WHEN $7 THEN 'ครบกำหนดชำระวันที่ 30 พฤศจิกายน ยอด 187.00 บาท' END,
           CASE WHEN $7 THEN '187.00 baht due on 30 November' END, CASE WHEN $7 THEN '/bills' END,
           'normal', 86400, 'bench-' || $8::text || ($4::int + g), '\\x00', 'delivered', t.at,
           CASE WHEN NOT $7 THEN t.at END
    FROM generate_series(1, $3::int) AS g
    JOIN (SELECT id, row_number() OVER () - 1 AS n FROM citizens WHERE issuer = 'inbox-bench') AS c
        ON c.n = g % $5::int
    CROSS JOIN LATERAL (SELECT $1::timestamptz + make_interval(secs => g * $2::float8) AS at) AS t
    RETURNING id
"""
# Bodies of their own table (today's writes), or (``$7``) in the message's row (written before 0065).
_BODY_FILL = f"""
    WITH written AS ({_BODY_MESSAGES})
    INSERT INTO notification_bodies (notification_id, body_th, body_en, url)
    SELECT id, 'ครบกำหนดชำระวันที่ 30 พฤศจิกายน ยอด 187.00 บาท', '187.00 baht due on 30 November', '/bills'
    FROM written WHERE NOT $7
"""
_TEXTS_PAGE = f"""
    SELECT n.id, n.created_at, {TEXTS} FROM notifications n {JOIN_CAMPAIGN} {JOIN_BODY}
    WHERE n.citizen_id = $1::uuid AND n.deleted_at IS NULL ORDER BY n.created_at DESC, n.id DESC LIMIT 21
"""


async def _per_row(pool: Pool) -> int:
    forgotten = 0
    while count := await forget_messages(pool, DAYS, BATCH):
        forgotten += count
    return forgotten


class _Measured(NamedTuple):
    idle: list[float]
    per_row: tuple[float, int, list[float]]
    """Seconds, WAL bytes and the reads made meanwhile."""
    dropped: tuple[float, int, list[float]]


async def _measure(
    pool: Pool,
    page: str,
    citizens: list[str],
    per_row: Coroutine[Any, Any, int],
    drop: Callable[[], Awaitable[list[str]]],
    month: str,
) -> _Measured:
    """Reads idle for 5 s; the per-row purge with reads all along (it must take MESSAGES rows); then, from a
    checkpoint, the drop of ``month`` with reads for as long as the idle window around it."""
    idle = await read_while(pool, page, citizens, asyncio.sleep(5), READERS)
    position, started = await wal_position(pool), time.perf_counter()
    purge = asyncio.ensure_future(per_row)
    during_purge = await read_while(pool, page, citizens, purge, READERS)
    purged = (time.perf_counter() - started, await wal_position(pool) - position, during_purge)
    assert purge.result() == MESSAGES
    await pool.execute("CHECKPOINT", timeout=600)
    timed: list[float] = []

    async def drop_within_a_window() -> None:
        await asyncio.sleep(1)
        position, started = await wal_position(pool), time.perf_counter()
        months = await drop()
        timed.extend([time.perf_counter() - started, await wal_position(pool) - position])
        assert month in months
        await asyncio.sleep(4)

    during_drop = await read_while(pool, page, citizens, drop_within_a_window(), READERS)
    return _Measured(idle, purged, (timed[0], int(timed[1]), during_drop))


async def _months_of(dropping: Awaitable[Dropped]) -> list[str]:
    return (await dropping).months


def _report(what: str, baseline: str, dropped: str, measured: _Measured) -> None:
    (purge_seconds, purge_wal, during_purge), (drop_seconds, drop_wal, during_drop) = measured[1:]
    print(
        f"\n{what}; {RECENT:,} recent, read by {READERS}:"
        f"\n{baseline}: {purge_seconds:.2f} s, WAL {purge_wal / 1e6:.1f} MB "
        f"({purge_wal / MESSAGES:.0f} B a message)"
        f"\n{dropped}: {drop_seconds:.3f} s, ratio {drop_seconds / purge_seconds:.4f}; "
        f"WAL {drop_wal / 1e6:.3f} MB (cluster-wide, an upper bound), ratio {drop_wal / purge_wal:.5f}"
        f"\nfirst inbox page p50/p99: idle {p50_p99(measured.idle)} ({len(measured.idle)} reads); "
        f"during the per-row purge {p50_p99(during_purge)} ({len(during_purge)}); "
        f"5 s around the drop {p50_p99(during_drop)} ({len(during_drop)})"
    )


async def test_dropping_a_month_of_messages_against_deleting_them_one_by_one(resources: Resources) -> None:
    pool = resources.pool
    citizens = await make_citizens(pool, "inbox-bench", CITIZENS)
    agency_id = await make_agency(pool, status="approved")
    year = dt.datetime.now(dt.UTC).year - 4  # months long past retention
    partitioned = dt.datetime(year, 3, 1, tzinfo=dt.UTC)  # its month made: dropped whole
    waiting = dt.datetime(year, 5, 1, tzinfo=dt.UTC)  # no month made: in the DEFAULT partition
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    for table in (INBOX, INBOX_DELIVERIES):
        await ensure_months(pool, table, partitioned.date(), partitioned.date())
        await ensure_months(pool, table, recent.date(), dt.datetime.now(dt.UTC).date())
    month_seconds = 30 * 24 * 3600
    await fill(pool, _FILL, partitioned, MESSAGES, month_seconds / MESSAGES, CITIZENS, agency_id, "p")
    await fill(pool, _FILL, waiting, MESSAGES, month_seconds / MESSAGES, CITIZENS, agency_id, "d")
    await fill(pool, _FILL, recent, RECENT, 1.0, CITIZENS, agency_id, "r")
    for name in ("notifications", "notification_deliveries"):
        await pool.execute(f"VACUUM ANALYZE {name}", timeout=1200)
    await pool.execute("CHECKPOINT", timeout=600)
    assert (
        await pool.fetchval("SELECT count(*) FROM notifications_default WHERE agency_id = $1", agency_id)
        == MESSAGES
    )

    measured = await _measure(
        pool,
        _PAGE,
        citizens,
        _per_row(pool),
        lambda: drop_inbox_months(pool, DAYS),
        f"notifications_p{partitioned:%Y%m}",
    )
    assert await pool.fetchval("SELECT count(*) FROM notifications WHERE agency_id = $1", agency_id) == RECENT
    await clean_up_messages(pool, agency_id, "inbox-bench")
    _report(
        f"inbox retention of {MESSAGES:,} messages with a delivery each (one month)",
        "per-row delete (before 0060, baseline)",
        "month dropped",
        measured,
    )


async def _clear_rows(pool: Pool) -> int:
    cleared = 0
    while count := await purge_bodies(pool, BODY_DAYS, BATCH):
        cleared += count
    return cleared


async def test_dropping_a_month_of_bodies_against_clearing_them_row_by_row(resources: Resources) -> None:
    pool = resources.pool
    citizens = await make_citizens(pool, "inbox-bench", CITIZENS)
    agency_id = await make_agency(pool, status="approved")
    year = dt.datetime.now(dt.UTC).year - 2  # past the bodies' period, inside the messages'
    in_rows, partitioned = dt.datetime(year, 3, 1, tzinfo=dt.UTC), dt.datetime(year, 5, 1, tzinfo=dt.UTC)
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    for table in (INBOX, BODIES):
        for month in (in_rows, partitioned):
            await ensure_months(pool, table, month.date(), month.date())
        await ensure_months(pool, table, recent.date(), dt.datetime.now(dt.UTC).date())
    month_seconds = 30 * 24 * 3600
    spacing = month_seconds / MESSAGES
    await fill(pool, _BODY_FILL, in_rows, MESSAGES, spacing, CITIZENS, agency_id, True, "r")
    await fill(pool, _BODY_FILL, partitioned, MESSAGES, spacing, CITIZENS, agency_id, False, "p")
    await fill(pool, _BODY_FILL, recent, RECENT, 0.5, CITIZENS, agency_id, False, "n")
    for name in ("notifications", "notification_bodies"):
        await pool.execute(f"VACUUM ANALYZE {name}", timeout=1200)
    await pool.execute("CHECKPOINT", timeout=600)
    month_name = f"notification_bodies_p{partitioned:%Y%m}"
    assert await pool.fetchval(f"SELECT count(*) FROM {month_name}") == MESSAGES

    measured = await _measure(
        pool,
        _TEXTS_PAGE,
        citizens,
        _clear_rows(pool),
        lambda: _months_of(drop_months_before(pool, BODIES, days=BODY_DAYS, floor_days=1, batch=BATCH)),
        month_name,
    )
    assert await pool.fetchval(
        "SELECT count(*) FROM notification_bodies b JOIN notifications n ON n.id = b.notification_id "
        "WHERE n.agency_id = $1",
        agency_id,
    ) == (RECENT)
    await clean_up_messages(pool, agency_id, "inbox-bench")
    _report(
        f"message body retention of {MESSAGES:,} messages (one month)",
        "rows rewritten (before 0065, baseline)",
        "month of bodies dropped",
        measured,
    )
