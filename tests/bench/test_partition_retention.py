"""Retention of a month of "who accessed my data" (``make bench``): dropping the month's partition, beside
the per-row delete it replaced (batches of 5,000 from the start of the key, as before migration 0045) on an
unpartitioned copy of the same rows and indexes, in one run: time, WAL written, and the citizens' page
of their record (p50/p99) read all along by a few readers, idle and during each purge. Printed, never
asserted. ``BENCH_ROWS`` sets how many rows are purged (1,000,000 by default).

WAL is counted twice: the cluster's WAL position before and after (other databases on the same server
add theirs: an upper bound), and for the per-row delete also EXPLAIN's own count of the WAL each
statement wrote."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time

from backend.connectors.access_log import ACCESS_LOG
from backend.core.db import Pool
from backend.core.partitions import drop_months_before, ensure_months
from backend.core.resources import Resources
from tests.bench.readers import p50_p99, read_while, wal_position

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
RECENT = 200_000  # what the citizens read while the old month goes
CITIZENS = 2000
READERS = 4
BATCH = 5000
FLAT = "bench_access_log_flat"
_FILL = """
    INSERT INTO {table} (citizen_id, kind, actor_kind, purpose_th, purpose_en, fields_th, fields_en, outcome,
                         at)
    SELECT c.id, 'agency_call', 'system', 'แสดงสิทธิของคุณในแอป', 'Show your entitlements in the app',
           '{{สถานะ}}', '{{status}}', 'ok', $1::timestamptz + make_interval(secs => g * $2::float8)
    FROM generate_series(1, $3::int) AS g
    JOIN (SELECT id, row_number() OVER () - 1 AS n FROM citizens) AS c ON c.n = g % $4::int
"""
_PAGE = "SELECT id, at, kind, purpose_en FROM {table} WHERE citizen_id = $1::uuid ORDER BY id DESC LIMIT 51"


async def _fill(pool: Pool, table: str, start: dt.datetime, rows: int, seconds_apart: float) -> None:
    for done in range(0, rows, 100_000):  # in parts, each well inside the statement time-out
        part = min(100_000, rows - done)
        await pool.execute(_FILL.format(table=table), start, seconds_apart, part, CITIZENS)
        start += dt.timedelta(seconds=part * seconds_apart)


async def _wal_since(pool: Pool, position: int) -> int:
    return await wal_position(pool) - position


async def _per_row_delete(pool: Pool, cutoff_days: int) -> int:
    """The retention of before migration 0045, on the flat copy; returns the WAL bytes EXPLAIN counted."""
    wal = 0
    while True:  # as the old loop: until a batch finds nothing old
        plan = await pool.fetchval(
            f"""
            EXPLAIN (ANALYZE, WAL, FORMAT JSON)
            DELETE FROM {FLAT} WHERE id = ANY(ARRAY(
                SELECT id FROM (SELECT id, at FROM {FLAT} ORDER BY id LIMIT $2) AS oldest
                WHERE at < now() - make_interval(days => $1)
            ))
            """,
            cutoff_days,
            BATCH,
        )
        top = plan[0]["Plan"]
        wal += int(top["WAL Bytes"])
        scan = next(node for node in top["Plans"] if node.get("Parent Relationship") == "Outer")
        if scan["Actual Rows"] == 0:
            return wal


async def test_dropping_a_month_against_deleting_its_rows_one_by_one(resources: Resources) -> None:
    pool = resources.pool
    await pool.execute(
        "INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, "
        "subject) "
        "SELECT sha256(('bench' || g)::bytea), '\\x00', 'bench', 'bench', 'bench' || g "
        "FROM generate_series(1, $1) AS g",
        CITIZENS,
    )
    citizens = [row["id"] for row in await pool.fetch("SELECT id::text AS id FROM citizens")]
    old = dt.datetime(dt.datetime.now(dt.UTC).year - 3, 3, 1, tzinfo=dt.UTC)  # a month long past retention
    month_seconds = 31 * 24 * 3600
    await ensure_months(pool, ACCESS_LOG, old.date(), old.date())
    await pool.execute(f"CREATE TABLE {FLAT} (LIKE data_access_log INCLUDING ALL)")
    try:
        recent_start = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
        for table in ("data_access_log", FLAT):
            await _fill(pool, table, old, ROWS, (month_seconds - 60) / ROWS)
            await _fill(pool, table, recent_start, RECENT, 20 * 24 * 3600 / RECENT)
            await pool.execute(f"VACUUM ANALYZE {table}", timeout=600)
        await pool.execute("CHECKPOINT", timeout=600)

        idle = await read_while(
            pool, _PAGE.format(table="data_access_log"), citizens, asyncio.sleep(5), READERS
        )

        position = await wal_position(pool)
        started = time.perf_counter()
        per_row = asyncio.ensure_future(_per_row_delete(pool, 730))
        during_delete = await read_while(pool, _PAGE.format(table=FLAT), citizens, per_row, READERS)
        delete_seconds = time.perf_counter() - started
        delete_wal, delete_wal_explained = await _wal_since(pool, position), per_row.result()
        assert await pool.fetchval(f"SELECT count(*) FROM {FLAT}") == RECENT

        await pool.execute("CHECKPOINT", timeout=600)
        timed: list[float] = []

        async def drop_within_a_window() -> None:
            """The drop, and reads going on for the idle window's length around it."""
            await asyncio.sleep(1)
            position, started = await wal_position(pool), time.perf_counter()
            dropped = await drop_months_before(pool, ACCESS_LOG, days=730, floor_days=90)
            timed.extend([time.perf_counter() - started, await _wal_since(pool, position)])
            assert f"data_access_log_p{old:%Y%m}" in dropped.months
            await asyncio.sleep(4)

        during_drop = await read_while(
            pool, _PAGE.format(table="data_access_log"), citizens, drop_within_a_window(), READERS
        )
        drop_seconds, drop_wal = timed
    finally:
        await pool.execute(f"DROP TABLE IF EXISTS {FLAT}")
    print(
        f"\nretention of {ROWS:,} access records (one month); {RECENT:,} recent ones, read by {READERS}:"
        f"\nper-row delete (before 0045, baseline): {delete_seconds:.2f} s, WAL {delete_wal / 1e6:.1f} MB "
        f"(EXPLAIN: {delete_wal_explained / 1e6:.1f} MB, {delete_wal_explained / ROWS:.0f} B a row)"
        f"\npartition drop: {drop_seconds:.3f} s, ratio {drop_seconds / delete_seconds:.4f}; "
        f"WAL {drop_wal / 1e6:.3f} MB (cluster-wide, an upper bound), ratio {drop_wal / delete_wal:.5f}"
        f"\ncitizens' page p50/p99: idle {p50_p99(idle)} ({len(idle)} reads); "
        f"during the delete {p50_p99(during_delete)} ({len(during_delete)}); "
        f"5 s around the drop {p50_p99(during_drop)} ({len(during_drop)})"
    )
