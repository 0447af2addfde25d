"""The inbox's retention (docs/retention.md): message bodies' months dropped whole (and the texts kept in
older messages' own rows purged in batches), delivery attempts' and the inbox's months dropped whole, what
no month's drop takes deleted in batches."""

from __future__ import annotations

import msgspec

from backend.core.db import Pool
from backend.core.partitions import Dropped, drop_months_before
from notifications.queries.deliveries import (
    ATTEMPTS,
    BODIES,
    drop_inbox_months,
    forget_messages,
    forget_stray_deliveries,
    purge_bodies,
    purge_campaign_bodies,
)

_RETENTION_BATCH = 5000


class Purged(msgspec.Struct, frozen=True):
    """What the hourly retention took from the inbox."""

    bodies: Dropped
    """Months of message bodies dropped whole, and bodies of the DEFAULT partition deleted."""
    cleared: int
    """Messages whose text went by a row's rewrite: their own rows (written before migration 0065), or a
    campaign's messages, counted by their campaign's one row."""
    attempts: Dropped
    """Months of delivery attempts dropped whole."""


async def apply_retention(pool: Pool, *, body_days: int, metadata_days: int) -> Purged:
    """Rows are cleared in small batches, so that no transaction grows large."""
    bodies = await drop_months_before(pool, BODIES, days=body_days, floor_days=1, batch=_RETENTION_BATCH)
    cleared = 0
    while count := await purge_bodies(pool, body_days, _RETENTION_BATCH):
        cleared += count
    cleared += await purge_campaign_bodies(pool, body_days)
    attempts = await drop_months_before(pool, ATTEMPTS, days=metadata_days, floor_days=1)
    return Purged(bodies=bodies, cleared=cleared, attempts=attempts)


async def forget_old_messages(pool: Pool, *, days: int) -> tuple[list[str], int]:
    """Messages past NOTIFICATION_RETENTION_DAYS leave the inbox with their deliveries: whole months
    dropped, then those of the DEFAULT partition in batches (a transaction each). Returns (months dropped,
    messages deleted one by one). Their seals stay: a code on paper still checks."""
    months = await drop_inbox_months(pool, days)
    forgotten = 0
    while count := await forget_messages(pool, days, _RETENTION_BATCH):
        forgotten += count
    while await forget_stray_deliveries(pool, days, _RETENTION_BATCH):
        pass
    return months, forgotten
