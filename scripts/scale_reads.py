"""The reads people wait on, for ``make scale``: timed on the small platform (10 k citizens) and again on
the grown one, so that "a read costs the same on 20 M-row tables as on an empty database" is a ratio
printed beside each, not a claim. A second, quiet agency with a few messages spread over the month is
what a support search by agency is hardest on: without an index of its own, newest first means reading
every other agency's messages to find its few."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Awaitable, Callable

from backend.connectors.access_log import data_access_for_citizen
from backend.core.db import Pool
from notifications.queries import inbox as inbox_queries
from notifications.queries.support import support_search

QUIET_MESSAGES = 60
RUNS = 21


async def add_quiet_agency(pool: Pool) -> int:
    """An agency that sent one citizen (number 1, whose reads are timed) a message a day or so over the
    last two months: that citizen's inbox holds a full page at both sizes, so both times read 20 rows."""
    agency_id: int = await pool.fetchval(
        "INSERT INTO agencies (code, name_th, name_en, status) "
        "VALUES ('scale-quiet', 'หน่วยงานที่ส่งน้อย', 'A quiet agency', 'approved') RETURNING id"
    )
    await pool.execute(
        """
        WITH made AS (
            INSERT INTO notifications (id, citizen_id, agency_id, title_th, title_en, urgency, ttl_seconds,
                                       idempotency_key, request_hash, status, created_at, body_purged_at)
            SELECT uuid_v7(t.at), c.id, $1, 'แจ้งเตือน', 'A notice', 'normal', 86400, 'quiet-' || i, '',
                   'delivered', t.at, t.at
            FROM generate_series(1, $2) AS i JOIN citizens c ON c.issuer = 'scale' AND c.subject = '1'
            CROSS JOIN LATERAL (SELECT now() - make_interval(hours => i * 23) AS at) AS t
            RETURNING id
        )
        INSERT INTO notification_bodies (notification_id, body_th, body_en)
        SELECT id, 'ข้อความ', 'A message' FROM made
        """,
        agency_id,
        QUIET_MESSAGES,
    )
    return agency_id


async def _median_ms(read: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await read()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def read_costs(pool: Pool, agency_id: int, quiet_agency_id: int) -> dict[str, float]:
    """Median milliseconds of each read, as the app makes it (the same query functions)."""
    citizen_id: str = await pool.fetchval(
        "SELECT id::text FROM citizens WHERE issuer = 'scale' AND subject = '1'"
    )

    def search(agency: int) -> Callable[[], Awaitable[object]]:
        return lambda: support_search(
            pool,
            citizen_id=None,
            notification_id=None,
            agency_id=agency,
            status=None,
            since=None,
            until=None,
            limit=50,
        )

    reads: dict[str, Callable[[], Awaitable[object]]] = {
        "support search, the busy agency": search(agency_id),
        "support search, a quiet agency": search(quiet_agency_id),
        "inbox page (20)": lambda: inbox_queries.inbox(pool, uuid.UUID(citizen_id), None, 21),
        "unread count": lambda: inbox_queries.unread_count(pool, uuid.UUID(citizen_id)),
        "data-access page (20)": lambda: data_access_for_citizen(pool, uuid.UUID(citizen_id), None, 21),
    }
    return {name: await _median_ms(read) for name, read in reads.items()}


def print_read_costs(small: dict[str, float], large: dict[str, float], size: str) -> None:
    title = f"read (median of {RUNS})"
    print(f"\n{title:<34} {'ms at 10 k':>10} {'ms at ' + size:>12} {'ratio':>6}")
    for name, before in small.items():
        print(f"{name:<34} {before:>10.2f} {large[name]:>12.2f} {large[name] / before:>6.2f}")
