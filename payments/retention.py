"""How long a payment's history is kept: its events, a partition per month (migration 0047), dropped a
month at a time once the whole month is past PAYMENT_EVENT_RETENTION_DAYS (never under the five years
from the close of the fiscal year that the Accounting Act asks for). The payment, its bill and receipt
are not touched."""

from __future__ import annotations

from backend.core.db import Pool
from backend.core.partitions import Dropped, Partitioned, drop_months_before
from backend.settings import PAYMENT_EVENT_FLOOR_DAYS

PAYMENT_EVENTS = Partitioned("payment_events")


async def forget_old_events(pool: Pool, *, days: int) -> Dropped:
    return await drop_months_before(pool, PAYMENT_EVENTS, days=days, floor_days=PAYMENT_EVENT_FLOOR_DAYS)
