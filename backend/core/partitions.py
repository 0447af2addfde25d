"""Tables that only grow, kept as a partition per month: made ahead of time, dropped whole past retention.

The data-access log, delivery attempts and payment events are partitioned by month on their time column
(migrations 0045-0047; ``ensure_month_partitions`` in SQL makes the months). Retention drops the months
that ended more than the retention period ago: a catalogue change, no row rewritten and next to no WAL,
where deleting row by row wrote every row's removal (and each index's) to the WAL and left bloat for
vacuum. A month is kept until all of it is past the period, so a record lives at most a month longer
than the period and never less.

Dropping a partition briefly takes the parent's ACCESS EXCLUSIVE lock (DETACH ... CONCURRENTLY would
not, but PostgreSQL refuses it on a table with a DEFAULT partition, which ours have so that an insert
never fails). Reads that arrive while the drop waits for that lock queue behind it, so each try waits at
most ``LOCK_WAIT`` (a read is held up no longer than that), and after ``LOCK_TRIES`` the month is left to
the next hourly run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import asyncpg
import msgspec
import structlog

from backend.core.db import Db, Pool

_log = structlog.get_logger(__name__)

MONTHS_AHEAD = 2
"""Months the maintenance job keeps made ahead: a worker stopped for weeks still finds them there."""
ATTACH_SECONDS = 600.0
LOCK_WAIT = "200ms"
LOCK_TRIES = 5
_DEFAULT_BATCH = 5000


class Partitioned(msgspec.Struct, frozen=True):
    """A table partitioned by month on ``key``: a timestamptz column, or (``uuid7``) a UUIDv7 id whose
    months are ranges of ids (migration 0060), each month made with ``fillfactor``. ``random_keys``: its
    DEFAULT partition holds random (v4) ids written before it was partitioned, whose age is not in their
    key, so ``drop_months_before`` cannot tell which are past the period."""

    table: str
    key: str = "at"
    uuid7: bool = False
    fillfactor: int = 100
    random_keys: bool = False


class Dropped(msgspec.Struct, frozen=True):
    """What retention removed from one table: whole months, and rows found in the DEFAULT partition."""

    months: list[str]
    default_rows: int = 0


async def ensure_partitions(db: Db, table: Partitioned, months_ahead: int = MONTHS_AHEAD) -> int:
    """Make this month's partition and the next ``months_ahead``; returns how many were missing."""
    span = await db.fetchrow(
        "SELECT current_date AS first, (now() + make_interval(months => $1))::date AS last", months_ahead
    )
    assert span is not None
    return await ensure_months(db, table, span["first"], span["last"])


async def ensure_months(db: Db, table: Partitioned, first: dt.date, last: dt.date) -> int:
    """Make the partitions of the months from ``first`` to ``last`` (tests, and rows from the past)."""
    if table.uuid7:
        made: int = await db.fetchval(
            "SELECT ensure_id_month_partitions($1, $2, $3, $4, $5)",
            table.table,
            table.key,
            first,
            last,
            table.fillfactor,
            # Past the pool's 10 s: a DEFAULT partition still holding many pre-0060 messages is read
            # through at the attach (docs/retention.md); cut short, it would be read again every night.
            timeout=ATTACH_SECONDS,
        )
        return made
    created: int = await db.fetchval(
        "SELECT ensure_month_partitions($1, $2, $3, $4)",
        table.table,
        table.key,
        first,
        last,
        timeout=ATTACH_SECONDS,  # many rows waiting in the DEFAULT partition are moved once, not cut at 10 s
    )
    return created


async def months_of(db: Db, table: Partitioned) -> dict[str, dt.datetime]:
    """Each monthly partition of ``table`` (by name) and when its month ends (UTC)."""
    rows = await db.fetch(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = $1::regclass",
        table.table,
    )
    pattern = re.compile(rf"{re.escape(table.table)}_p(\d{{4}})(\d{{2}})")
    months: dict[str, dt.datetime] = {}
    for row in rows:
        if match := pattern.fullmatch(row["relname"]):
            year, month = int(match.group(1)), int(match.group(2))
            months[row["relname"]] = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)
    return months


async def drop_partition(pool: Pool, name: str) -> bool:
    """Drop one partition, giving way to reads (see the module's docstring); False if it was left."""
    for attempt in range(LOCK_TRIES):
        if attempt:
            await asyncio.sleep(attempt)  # the long read in the way may be over by then
        try:
            async with pool.acquire() as connection, connection.transaction():
                await connection.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
                await connection.execute(f'DROP TABLE "{name}"')
        except asyncpg.LockNotAvailableError:
            continue
        return True
    return False


async def retention_cutoff(db: Db, days: int) -> dt.datetime:
    cutoff: dt.datetime = await db.fetchval("SELECT now() - make_interval(days => $1)", days)
    return cutoff


async def expired_months(db: Db, table: Partitioned, cutoff: dt.datetime) -> list[str]:
    """The partitions of ``table`` whose whole month is before ``cutoff``, oldest first."""
    return [name for name, ends in sorted((await months_of(db, table)).items()) if ends <= cutoff]


async def drop_months_before(
    pool: Pool, table: Partitioned, *, days: int, floor_days: int, batch: int = _DEFAULT_BATCH
) -> Dropped:
    """Drop the months of ``table`` that ended more than ``days`` ago, and delete (in batches) rows as
    old in its DEFAULT partition. ``days`` under ``floor_days`` (the legal floor) is refused."""
    if days < floor_days:
        raise ValueError(f"{table.table} must be kept at least {floor_days} days, not {days}")
    if table.random_keys:
        raise ValueError(f"{table.table}'s DEFAULT partition is not kept by its key")
    cutoff = await retention_cutoff(pool, days)
    dropped: list[str] = []
    for name in await expired_months(pool, table, cutoff):
        if await drop_partition(pool, name):
            dropped.append(name)
        else:
            _log.warning("partition_drop_deferred", table=table.table, partition=name)
    default_rows = 0
    bound = "uuid_v7_floor($1)" if table.uuid7 else "$1"  # a UUIDv7's first bits are its time
    while True:
        result: str = await pool.execute(
            f"""
            DELETE FROM "{table.table}_default" WHERE ctid = ANY(ARRAY(
                SELECT ctid FROM "{table.table}_default" WHERE "{table.key}" < {bound} LIMIT $2
            ))
            """,  # noqa: S608 (names from the code's own Partitioned constants)
            cutoff,
            batch,
        )
        count = int(result.rsplit(maxsplit=1)[-1])
        default_rows += count
        if count < batch:
            break
    if dropped or default_rows:
        _log.info("partitions_dropped", table=table.table, months=dropped, default_rows=default_rows)
    return Dropped(months=dropped, default_rows=default_rows)
