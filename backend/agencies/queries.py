"""SQL for agencies' webhooks: where each agency is told of events, and every delivery attempt."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.agencies.schemas import WebhookDelivery
from backend.core.db import Db
from backend.core.partitions import Partitioned

# A row per call made to an agency's webhook, a partition per month (migration 0054), dropped whole past
# WEBHOOK_DELIVERY_RETENTION_DAYS.
WEBHOOK_DELIVERIES = Partitioned("webhook_deliveries")


class WebhookRow(msgspec.Struct, frozen=True, kw_only=True):
    agency_id: int
    url: str
    secret_key_id: str
    secret_ciphertext: bytes
    updated_at: dt.datetime


async def set_webhook(
    db: Db, agency_id: int, url: str, key_id: str, ciphertext: bytes, updated_by: uuid.UUID | None
) -> None:
    await db.execute(
        """
        INSERT INTO agency_webhooks (agency_id, url, secret_key_id, secret_ciphertext, updated_by)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (agency_id) DO UPDATE SET
            url = EXCLUDED.url,
            secret_key_id = EXCLUDED.secret_key_id,
            secret_ciphertext = EXCLUDED.secret_ciphertext,
            updated_by = EXCLUDED.updated_by,
            updated_at = now()
        """,
        agency_id,
        url,
        key_id,
        ciphertext,
        updated_by,
    )


async def webhook(db: Db, agency_id: int) -> WebhookRow | None:
    row = await db.fetchrow(
        "SELECT agency_id, url, secret_key_id, secret_ciphertext, updated_at FROM agency_webhooks "
        "WHERE agency_id = $1",
        agency_id,
    )
    return WebhookRow(**row) if row else None


async def record_delivery(
    db: Db,
    *,
    agency_id: int,
    payment_id: uuid.UUID | None,
    notification_id: uuid.UUID | None,
    attempt: int,
    status_code: int | None,
    outcome: str,
    detail: str | None,
) -> None:
    await db.execute(
        """
        INSERT INTO webhook_deliveries (agency_id, payment_id, notification_id, attempt, status_code, outcome,
                                        detail)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        """,
        agency_id,
        payment_id,
        notification_id,
        attempt,
        status_code,
        outcome,
        detail,
    )


async def deliveries(db: Db, agency_id: int, limit: int) -> list[WebhookDelivery]:
    rows = await db.fetch(
        """
        SELECT payment_id, notification_id, attempt, status_code, outcome, detail, at
        FROM webhook_deliveries
        WHERE agency_id = $1 ORDER BY id DESC LIMIT $2
        """,
        agency_id,
        limit,
    )
    return [WebhookDelivery(**row) for row in rows]
