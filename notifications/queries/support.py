"""SQL of support staff's look-ups: messages found by who, what and when; one citizen's devices,
messages and each delivery attempt."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Db
from notifications.queries.texts import BODIES, JOIN_BODY, JOIN_CAMPAIGN, TITLES, URGENCY
from notifications.schemas import Attempt


class FoundRow(msgspec.Struct, kw_only=True, frozen=True):
    """A message found, with its citizen's national ID as stored (sealed)."""

    id: uuid.UUID
    citizen_id: uuid.UUID
    national_id_key_id: str
    national_id_ciphertext: bytes
    agency_id: int
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    urgency: str
    status: str
    status_reason: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    deleted_by_citizen: bool


class DeviceRow(msgspec.Struct, kw_only=True, frozen=True):
    id: uuid.UUID
    push_service: str
    user_agent: str
    created_at: dt.datetime
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    last_failure_reason: str | None


class MessageRow(msgspec.Struct, kw_only=True, frozen=True):
    id: uuid.UUID
    agency_id: int
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    body_th: str | None
    body_en: str | None
    urgency: str
    status: str
    status_reason: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    deleted_by_citizen: bool


class DeliveryRow(msgspec.Struct, kw_only=True, frozen=True):
    """A delivery with one of its attempts (``attempt`` None when it has had none yet)."""

    notification_id: uuid.UUID
    delivery_id: int
    subscription_id: uuid.UUID | None
    endpoint_origin: str
    delivery_status: str
    updated_at: dt.datetime
    attempt: Attempt | None


async def support_search(
    db: Db,
    *,
    citizen_id: uuid.UUID | None,
    notification_id: uuid.UUID | None,
    agency_id: int | None,
    status: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
) -> list[FoundRow]:
    """Newest first. Only the filters given go into the statement: a generic "$n IS NULL OR ..." plan
    (which PostgreSQL settles on after a few runs of a prepared statement) cannot choose the index a
    filter needs, and a search by agency then reads the whole table (2.9 s on 20 M messages). The page is
    chosen before the joins: a campaign's chunk of 500 shares one ``created_at``, so the order by id
    reads the whole chunk, and joined first each of its 500 rows looked up its citizen (2.7 ms against
    0.8 ms, on 400,000 messages of one agency)."""
    filters = {
        "n.citizen_id = ${}": citizen_id,
        "n.id = ${}": notification_id,
        "n.agency_id = ${}": agency_id,
        "n.status = ${}": status,
        "n.created_at >= ${}": since,
        "n.created_at < ${}": until,
    }
    given = [(condition, value) for condition, value in filters.items() if value is not None]
    where = " AND ".join(condition.format(n) for n, (condition, _) in enumerate(given, start=1)) or "true"
    rows = await db.fetch(
        f"""
        SELECT n.id, n.citizen_id, c.national_id_key_id, c.national_id_ciphertext,
               n.agency_id, a.name_th AS agency_name_th, a.name_en AS agency_name_en, {TITLES},
               {URGENCY}, n.status, n.status_reason,
               n.created_at, n.read_at, n.deleted_at IS NOT NULL AS deleted_by_citizen
        FROM (
            SELECT * FROM notifications n WHERE {where} AND n.citizen_id IS NOT NULL  -- not held ones
            ORDER BY n.created_at DESC, n.id DESC
            LIMIT ${len(given) + 1}
        ) n
        JOIN citizens c ON c.id = n.citizen_id
        JOIN agencies a ON a.id = n.agency_id {JOIN_CAMPAIGN}
        ORDER BY n.created_at DESC, n.id DESC
        """,  # noqa: S608 (the module's own SQL; values are parameters)
        *(value for _, value in given),
        limit,
    )
    return [msgspec.convert(dict(row), FoundRow) for row in rows]


async def devices_for_support(db: Db, citizen_id: uuid.UUID) -> list[DeviceRow]:
    rows = await db.fetch(
        """
        SELECT id, substring(endpoint FROM '^[a-z]+://[^/]+') AS push_service, user_agent, created_at,
               last_success_at, last_failure_at, last_failure_reason
        FROM push_subscriptions WHERE citizen_id = $1 ORDER BY created_at
        """,
        citizen_id,
    )
    return [msgspec.convert(dict(row), DeviceRow) for row in rows]


async def messages_for_support(db: Db, citizen_id: uuid.UUID, limit: int) -> list[MessageRow]:
    rows = await db.fetch(
        f"""
        SELECT n.id, n.agency_id, a.name_th AS agency_name_th, a.name_en AS agency_name_en,
               {TITLES}, {BODIES}, {URGENCY}, n.status, n.status_reason, n.created_at, n.read_at,
               n.deleted_at IS NOT NULL AS deleted_by_citizen
        FROM notifications n JOIN agencies a ON a.id = n.agency_id {JOIN_CAMPAIGN} {JOIN_BODY}
        WHERE n.citizen_id = $1
        ORDER BY n.created_at DESC, n.id
        LIMIT $2
        """,  # noqa: S608 (the module's own SQL)
        citizen_id,
        limit,
    )
    return [msgspec.convert(dict(row), MessageRow) for row in rows]


async def attempts_for_support(db: Db, notification_ids: list[uuid.UUID]) -> list[DeliveryRow]:
    """Each delivery of these messages with its attempts (a delivery with none yet has one row of nulls)."""
    rows = await db.fetch(
        """
        SELECT d.notification_id, d.id AS delivery_id, s.id AS subscription_id, d.endpoint_origin,
               d.status AS delivery_status, d.updated_at, t.attempt, t.status_code, t.outcome, t.reason, t.at
        FROM notification_deliveries d
        LEFT JOIN push_subscriptions s ON s.id = d.subscription_id  -- None once the device was removed
        LEFT JOIN delivery_attempts t ON t.delivery_id = d.id
        WHERE d.notification_id = ANY($1::uuid[])
        ORDER BY d.id, t.id
        """,
        notification_ids,
    )
    return [
        DeliveryRow(
            notification_id=row["notification_id"],
            delivery_id=row["delivery_id"],
            subscription_id=row["subscription_id"],
            endpoint_origin=row["endpoint_origin"],
            delivery_status=row["delivery_status"],
            updated_at=row["updated_at"],
            attempt=None
            if row["attempt"] is None
            else Attempt(
                attempt=row["attempt"],
                status_code=row["status_code"],
                outcome=row["outcome"],
                reason=row["reason"],
                at=row["at"],
            ),
        )
        for row in rows
    ]
