"""SQL of messages on their way: written (or held for a national ID's first login), routed to a
citizen's devices, their status kept, and what the sending agency's webhook is told."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Connection, Db
from notifications.queries.inbox import PreferencesRow
from notifications.queries.texts import JOIN_CAMPAIGN, URGENCY
from notifications.schemas import NO_DEVICES, NotificationStatus


class Earlier(msgspec.Struct, frozen=True):
    """A message or campaign sent before under the same idempotency key."""

    id: uuid.UUID
    request_hash: bytes


class NewMessage(msgspec.Struct, kw_only=True, frozen=True):
    citizen_id: uuid.UUID | None
    agency_id: int
    template_id: int | None
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    url: str | None
    urgency: str
    ttl_seconds: int
    idempotency_key: str
    request_hash: bytes
    created_at: dt.datetime | None = None
    """When it appears in the inbox; now when None."""
    held_for: bytes | None = None
    from_platform: bool = False
    verification_code: str | None = None


class ToRelease(msgspec.Struct, kw_only=True, frozen=True):
    citizen_id: uuid.UUID | None
    agency_id: int
    urgency: str
    category: str
    routed: bool
    status: str
    from_platform: bool


class StatusEvent(msgspec.Struct, kw_only=True, frozen=True):
    """The body of a ``notification.status`` webhook event (after its ``event`` name)."""

    notification_id: uuid.UUID
    idempotency_key: str
    status: str
    status_reason: str | None
    created_at: dt.datetime
    devices_delivered: int
    devices: int


class EligibleState(msgspec.Struct, kw_only=True, frozen=True):
    agency_id: int
    scheme_name_th: str
    scheme_name_en: str
    how_to_claim_th: str
    how_to_claim_en: str
    status_since: dt.datetime


async def notification_by_key(db: Db, agency_id: int, national_id_hash: bytes, key: str) -> Earlier | None:
    """The agency's message with this key to this national ID, held or the citizen's."""
    row = await db.fetchrow(
        """
        SELECT id, request_hash FROM notifications
        WHERE held_for = $2 AND agency_id = $1 AND idempotency_key = $3
        UNION ALL
        SELECT n.id, n.request_hash FROM citizens c JOIN notifications n ON n.citizen_id = c.id
        WHERE c.national_id_hash = $2 AND n.agency_id = $1 AND n.idempotency_key = $3
        LIMIT 1
        """,
        agency_id,
        national_id_hash,
        key,
    )
    return Earlier(id=row["id"], request_hash=row["request_hash"]) if row else None


async def lock_national_id(connection: Connection, national_id_hash: bytes) -> None:
    """Until commit: a send to this national ID and the ID's first login never interleave, so a
    message is either held and then given at login, or sent to the citizen the login created."""
    await connection.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('national-id:' || encode($1, 'hex'), 0))",
        national_id_hash,
    )


async def give_held(connection: Connection, citizen_id: uuid.UUID, national_id_hash: bytes) -> int:
    """The messages held for this national ID become the citizen's (in their inbox at once)."""
    result: str = await connection.execute(
        "UPDATE notifications SET citizen_id = $1, held_for = NULL WHERE held_for = $2",
        citizen_id,
        national_id_hash,
    )
    return int(result.rsplit(" ", 1)[1])


async def claim_key(
    connection: Connection, agency_id: int, citizen_id: uuid.UUID | None, held_for: bytes | None, key: str
) -> bool:
    """Whether the agency's key is free for this citizen (or held national ID), holding the key's lock
    until commit: the partitioned inbox has no unique index to refuse a second message (migration 0060)."""
    free: bool = await connection.fetchval(
        "SELECT claim_notification_key($1, $2, $3, $4)", agency_id, citizen_id, held_for, key
    )
    return free


# A scheduled message's id is of its send time, like its created_at, so that its month (the inbox is
# partitioned on ids, migration 0060) is the one it appears in. Its body and link go to
# ``notification_bodies``, by the same month (migration 0065), where retention drops them a month at a time;
# ``body_purged_at`` says the row holds none of its own (``notifications.queries.texts``).
_INSERT_NOTIFICATION = """
    inserted AS (
        INSERT INTO notifications (id, citizen_id, agency_id, template_id, title_th, title_en, urgency,
                                   ttl_seconds, idempotency_key, request_hash, created_at, held_for,
                                   from_platform, verification_code, body_purged_at)
        VALUES (uuid_v7(coalesce($13, clock_timestamp())), $1, $2, $3, $4, $5, $9, $10, $11, $12,
                coalesce($13, now()), $14, $15, $16, now())
        RETURNING id
    ),
    body AS (
        INSERT INTO notification_bodies (notification_id, body_th, body_en, url)
        SELECT id, $6, $7, $8 FROM inserted
    )
"""


_PREFERENCES_OF_P = "p.quiet_start, p.quiet_end, p.timezone, p.opt_out_agencies, p.opt_out_categories"


def _notification_values(message: NewMessage) -> tuple[object, ...]:
    return (
        message.citizen_id,
        message.agency_id,
        message.template_id,
        message.title_th,
        message.title_en,
        message.body_th,
        message.body_en,
        message.url,
        message.urgency,
        message.ttl_seconds,
        message.idempotency_key,
        message.request_hash,
        message.created_at,
        message.held_for,
        message.from_platform,
        message.verification_code,
    )


async def insert_notification(connection: Connection, message: NewMessage) -> uuid.UUID:
    notification_id: uuid.UUID = await connection.fetchval(
        f"WITH {_INSERT_NOTIFICATION} SELECT id FROM inserted",  # noqa: S608
        *_notification_values(message),
    )
    return notification_id


async def insert_notification_to_route(
    connection: Connection, message: NewMessage
) -> tuple[uuid.UUID, PreferencesRow | None]:
    """``insert_notification`` for a citizen's message routed at once, with the citizen's preferences
    read in the same round trip."""
    row = await connection.fetchrow(
        f"""
        WITH {_INSERT_NOTIFICATION}
        SELECT inserted.id, {_PREFERENCES_OF_P}, p.citizen_id IS NOT NULL AS has_preferences
        FROM inserted LEFT JOIN notification_preferences p ON p.citizen_id = $1
        """,  # noqa: S608
        *_notification_values(message),
    )
    assert row is not None  # an INSERT without a conflict clause returns its row or raises
    preferences = None
    if row["has_preferences"]:
        preferences = PreferencesRow(
            quiet_start=row["quiet_start"], quiet_end=row["quiet_end"], timezone=row["timezone"],
            opt_out_agencies=row["opt_out_agencies"], opt_out_categories=row["opt_out_categories"],
        )  # fmt: skip
    return row["id"], preferences


async def set_notification_status(
    db: Db, notification_id: uuid.UUID, status: str, reason: str | None
) -> None:
    await db.execute(
        "UPDATE notifications SET status = $2, status_reason = $3 WHERE id = $1",
        notification_id,
        status,
        reason,
    )


async def set_statuses(
    connection: Connection, notification_ids: list[uuid.UUID], status: str, reason: str
) -> None:
    await connection.execute(
        "UPDATE notifications SET status = $2, status_reason = $3 WHERE id = ANY($1::uuid[])",
        notification_ids,
        status,
        reason,
    )


async def create_deliveries_for(
    connection: Connection, notification_ids: list[uuid.UUID]
) -> list[tuple[int, uuid.UUID]]:
    """A delivery per device of each message's citizen; returns (delivery id, notification id)."""
    rows = await connection.fetch(
        """
        INSERT INTO notification_deliveries (notification_id, subscription_id, endpoint_origin)
        SELECT n.id, s.id, substring(s.endpoint FROM '^[a-z]+://[^/]+')
        FROM notifications n JOIN push_subscriptions s ON s.citizen_id = n.citizen_id
        WHERE n.id = ANY($1::uuid[])
        RETURNING id, notification_id
        """,
        notification_ids,
    )
    return [(row["id"], row["notification_id"]) for row in rows]


async def route_to_devices(
    connection: Connection, notification_id: uuid.UUID, status: str, reason: str | None
) -> list[int]:
    """One statement: a delivery per device of the message's citizen, and the message's status, ``status``
    and ``reason`` when there are devices, else permanent-failure for want of any (``NO_DEVICES``).
    Returns the delivery ids."""
    rows = await connection.fetch(
        """
        WITH routed AS (
            INSERT INTO notification_deliveries (notification_id, subscription_id, endpoint_origin)
            SELECT n.id, s.id, substring(s.endpoint FROM '^[a-z]+://[^/]+')
            FROM notifications n JOIN push_subscriptions s ON s.citizen_id = n.citizen_id
            WHERE n.id = $1
            RETURNING id
        ), marked AS (
            UPDATE notifications
            SET (status, status_reason) = (
                SELECT CASE WHEN EXISTS (SELECT FROM routed) THEN $2 ELSE 'permanent-failure' END,
                       CASE WHEN EXISTS (SELECT FROM routed) THEN $3 ELSE $4 END
            )
            WHERE id = $1
        )
        SELECT id FROM routed
        """,
        notification_id,
        status,
        reason,
        NO_DEVICES,
    )
    return [row["id"] for row in rows]


async def notification_status(
    db: Db, agency_id: int, notification_id: uuid.UUID
) -> NotificationStatus | None:
    row = await db.fetchrow(
        """
        SELECT n.id, n.status, n.status_reason, n.created_at,
               (n.status = 'permanent-failure' AND n.status_reason IS NOT DISTINCT FROM $3) AS inbox_only,
               coalesce(json_agg(json_build_object('status', d.status, 'origin', d.endpoint_origin))
                        FILTER (WHERE d.id IS NOT NULL), '[]') AS deliveries
        FROM notifications n LEFT JOIN notification_deliveries d ON d.notification_id = n.id
        WHERE n.id = $1 AND n.agency_id = $2
        GROUP BY n.id
        """,
        notification_id,
        agency_id,
        NO_DEVICES,
    )
    return msgspec.convert(dict(row), NotificationStatus) if row else None


async def notification_for_release(db: Db, notification_id: uuid.UUID) -> ToRelease | None:
    row = await db.fetchrow(
        f"""
        SELECT n.citizen_id, n.agency_id, {URGENCY}, coalesce(t.category, '') AS category,
               EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id) AS routed,
               n.status, coalesce(n.from_platform, false) AS from_platform
        FROM notifications n {JOIN_CAMPAIGN}
        LEFT JOIN notification_templates t ON t.id = coalesce(n.template_id, camp.template_id)
        WHERE n.id = $1
        """,  # noqa: S608 (the module's own SQL)
        notification_id,
    )
    return msgspec.convert(dict(row), ToRelease) if row else None


async def status_event(db: Db, notification_id: uuid.UUID) -> tuple[int, StatusEvent] | None:
    """(the sending agency, the event) for a message's status webhook."""
    row = await db.fetchrow(
        """
        SELECT n.id AS notification_id, n.agency_id, n.idempotency_key, n.status, n.status_reason,
               n.created_at, count(d.id) FILTER (WHERE d.status = 'delivered') AS devices_delivered,
               count(d.id) AS devices
        FROM notifications n LEFT JOIN notification_deliveries d ON d.notification_id = n.id
        WHERE n.id = $1
        GROUP BY n.id
        """,
        notification_id,
    )
    if row is None:
        return None
    fields = dict(row)
    return fields.pop("agency_id"), msgspec.convert(fields, StatusEvent)


async def still_eligible(
    connection: Connection, citizen_id: uuid.UUID, connector_id: int, scheme_id: str
) -> EligibleState | None:
    """The scheme's state, if the citizen is still eligible for it but not enrolled."""
    row = await connection.fetchrow(
        """
        SELECT s.agency_id, s.scheme_name_th, s.scheme_name_en, s.how_to_claim_th, s.how_to_claim_en,
               s.status_since
        FROM entitlement_states s
        WHERE s.citizen_id = $1 AND s.connector_id = $2 AND s.scheme_id = $3
          AND s.status = 'eligible_not_enrolled'
        """,
        citizen_id,
        connector_id,
        scheme_id,
    )
    return msgspec.convert(dict(row), EligibleState) if row else None


async def notification_owner(db: Db, notification_id: uuid.UUID) -> uuid.UUID | None:
    citizen_id: uuid.UUID | None = await db.fetchval(
        "SELECT citizen_id FROM notifications WHERE id = $1", notification_id
    )
    return citizen_id


async def approved_link_domains(db: Db, agency_id: int) -> list[str]:
    """The agency's link domains a platform admin approved in the sender registry (backend/genuine)."""
    rows = await db.fetch(
        """
        SELECT value FROM sender_entries
        WHERE agency_id = $1 AND kind = 'link_domain' AND review_status = 'approved'
        """,
        agency_id,
    )
    return [row["value"] for row in rows]
