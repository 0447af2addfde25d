"""Citizens reading their pages while a retention job runs: what the retention benches measure beside it;
the citizens they read for, and the WAL they count."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import time
from collections.abc import Awaitable

from backend.core.db import Pool


async def read_while(
    pool: Pool, page: str, citizens: list[str], purge: Awaitable[object], readers: int
) -> list[float]:
    """Reads of ``page`` for a random citizen (seconds each) by ``readers`` readers until ``purge`` ends."""
    latencies: list[float] = []
    done = asyncio.Event()

    async def reader() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await pool.fetch(page, random.choice(citizens))
            latencies.append(time.perf_counter() - started)

    running = [asyncio.create_task(reader()) for _ in range(readers)]
    try:
        await purge
    finally:
        done.set()
        await asyncio.gather(*running)
    return latencies


def p50_p99(latencies: list[float]) -> str:
    quantiles = statistics.quantiles(latencies, n=100)
    return f"{quantiles[49] * 1000:.2f} ms/{quantiles[98] * 1000:.2f} ms"


async def make_citizens(pool: Pool, issuer: str, count: int) -> list[str]:
    """``count`` citizens of their own ``issuer`` (their ids, as text): whose pages the readers read."""
    await pool.execute(
        "INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, "
        "subject) "
        "SELECT sha256(($1 || g)::bytea), '\\x00', 'bench', $1, $1 || g FROM generate_series(1, $2) AS g",
        issuer,
        count,
    )
    rows = await pool.fetch("SELECT id::text AS id FROM citizens WHERE issuer = $1", issuer)
    return [row["id"] for row in rows]


async def wal_position(pool: Pool) -> int:
    """The cluster's WAL position in bytes: other databases on the server add theirs, so differences are
    upper bounds."""
    position = await pool.fetchval("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")
    return int(position)


async def fill(
    pool: Pool, sql: str, start: dt.datetime, rows: int, seconds_apart: float, *args: object
) -> None:
    """``rows`` rows written by ``sql`` from ``start`` on, ``seconds_apart`` apart, in parts of 20,000 (each
    well inside the statement time-out); ``sql`` takes the part's first time, the spacing, the part's size
    and how many rows came before it, then ``args``."""
    for done in range(0, rows, 20_000):
        part = min(20_000, rows - done)
        await pool.execute(sql, start, seconds_apart, part, done, *args)
        start += dt.timedelta(seconds=part * seconds_apart)


async def clean_up_messages(pool: Pool, agency_id: int, issuer: str) -> None:
    """The agency's messages with their deliveries and bodies, and the issuer's citizens: the benches after
    one share the database."""
    for table in ("notification_deliveries", "notification_bodies"):
        await pool.execute(
            f"DELETE FROM {table} WHERE notification_id IN "
            "(SELECT id FROM notifications WHERE agency_id = $1)",
            agency_id,
            timeout=600,
        )
    await pool.execute("DELETE FROM notifications WHERE agency_id = $1", agency_id, timeout=600)
    await pool.execute("DELETE FROM citizens WHERE issuer = $1", issuer, timeout=600)
