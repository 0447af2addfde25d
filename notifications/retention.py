"""The inbox's retention (docs/retention.md): message texts purged in batches, delivery attempts' and the
inbox's months dropped whole, what no month's drop takes deleted in batches."""

from __future__ import annotations

from backend.core.db import Pool
from backend.core.partitions import Dropped, drop_months_before
from notifications.queries.deliveries import (
    ATTEMPTS,
    drop_inbox_months,
    forget_messages,
    purge_bodies,
    purge_campaign_bodies,
)

_RETENTION_BATCH = 5000


async def apply_retention(pool: Pool, *, body_days: int, metadata_days: int) -> tuple[int, Dropped]:
    """(bodies purged, in small batches so that no transaction grows large; the months of delivery
    attempts dropped whole)."""
    purged = 0
    while count := await purge_bodies(pool, body_days, _RETENTION_BATCH):
        purged += count
    purged += await purge_campaign_bodies(pool, body_days)
    attempts = await drop_months_before(pool, ATTEMPTS, days=metadata_days, floor_days=1)
    return purged, attempts


async def forget_old_messages(pool: Pool, *, days: int) -> tuple[list[str], int]:
    """Messages past NOTIFICATION_RETENTION_DAYS leave the inbox with their deliveries: whole months
    dropped, then those of the DEFAULT partition in batches (a transaction each). Returns (months dropped,
    messages deleted one by one). Their seals stay: a code on paper still checks."""
    months = await drop_inbox_months(pool, days)
    forgotten = 0
    while count := await forget_messages(pool, days, _RETENTION_BATCH):
        forgotten += count
    return months, forgotten
