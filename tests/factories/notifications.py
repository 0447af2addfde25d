"""Message templates, campaigns, citizens' devices, messages and their deliveries."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal, cast

import msgspec

from backend.core.db import Db, Pool
from notifications.queries import campaigns, devices, messages, templates
from notifications.queries.campaigns import NewCampaignRow
from notifications.queries.devices import SubscriptionRow
from notifications.queries.messages import NewMessage
from notifications.schemas import (
    AgencyFollowers,
    CampaignProgress,
    NewTemplate,
    NotificationStatus,
    TemplateCategory,
    TemplateView,
)
from tests.factories._ids import Id, as_uuid
from tests.factories._numbers import next_number

# A P-256 public key and auth secret a push subscription may carry (RFC 8291's example receiver's).
P256DH = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
Status = Literal[
    "created", "sending", "delivered", "temporary-failure", "permanent-failure", "technical-failure",
    "cancelled", "suppressed",
]  # fmt: skip


async def make_template(
    db: Db, agency_id: int, *, key: str | None = None, category: str = "general"
) -> TemplateView:
    """A template without placeholders (a new version if the agency has one of this key)."""
    template = NewTemplate(
        key=key or f"notice-{next_number()}",
        # Any word: a template stored before categories were checked may hold an agency's own.
        category=cast("TemplateCategory", category),
        title_th="ประกาศ",
        title_en="Notice",
        body_th="ข้อความทดสอบ",
        body_en="A test message",
    )
    return await templates.add_template(db, agency_id, template, [], None)


async def make_device(
    db: Db, citizen_id: Id, *, endpoint: str | None = None, user_agent: str = "test"
) -> SubscriptionRow:
    """A push subscription of the citizen's (by default at a push service that is never called)."""
    return await devices.upsert_subscription(
        db,
        citizen_id=as_uuid(citizen_id),
        endpoint=endpoint or f"https://push.example.org/{uuid.uuid4().hex}",
        p256dh=P256DH,
        auth=AUTH,
        user_agent=user_agent,
    )


async def make_notification(
    pool: Pool,
    citizen_id: Id | None,
    agency_id: int,
    *,
    status: Status = "created",
    title_en: str = "Notice",
    urgency: Literal["normal", "high"] = "normal",
    created_at: dt.datetime | None = None,
    with_deliveries: bool = False,
    held_for: bytes | None = None,
) -> NotificationStatus:
    """A message in the citizen's inbox, or (``citizen_id`` None) held for whoever holds the national ID
    whose keyed hash is ``held_for`` until they first log in; ``with_deliveries``: one delivery per
    device of theirs, in the message's status."""
    assert (citizen_id is None) != (held_for is None), "a citizen or a national ID's hash, not both"
    number = next_number()
    message = NewMessage(
        citizen_id=None if citizen_id is None else as_uuid(citizen_id),
        agency_id=agency_id,
        template_id=None,
        title_th="ประกาศ",
        title_en=title_en,
        body_th="ข้อความทดสอบ",
        body_en="A test message",
        url=None,
        urgency=urgency,
        ttl_seconds=86400,
        idempotency_key=f"factory-message-{number}",
        request_hash=b"factory",
        created_at=created_at,
        held_for=held_for,
    )
    async with pool.acquire() as connection, connection.transaction():
        notification_id = await messages.insert_notification(connection, message)
        if status != "created":
            await messages.set_notification_status(connection, notification_id, status, None)
        if with_deliveries:
            await messages.create_deliveries_for(connection, [notification_id])
            await connection.execute(
                "UPDATE notification_deliveries SET status = $2 WHERE notification_id = $1::uuid",
                notification_id,
                status,
            )
    found = await messages.notification_status(pool, agency_id, notification_id)
    assert found is not None
    return found


class DeliveryRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    notification_id: str
    subscription_id: str | None
    endpoint_origin: str
    status: str


async def make_delivery(
    db: Db, notification_id: Id, device: SubscriptionRow, *, status: Status = "created"
) -> DeliveryRecord:
    """One delivery of the message to this device."""
    row = await db.fetchrow(
        """
        INSERT INTO notification_deliveries (notification_id, subscription_id, endpoint_origin, status)
        VALUES ($1::uuid, $2::uuid, substring($3 FROM '^[a-z]+://[^/]+'), $4)
        RETURNING id, notification_id::text, subscription_id::text, endpoint_origin, status
        """,
        notification_id,
        device.id,
        device.endpoint,
        status,
    )
    assert row is not None
    return DeliveryRecord(**row)


async def make_campaign(
    pool: Pool,
    agency_id: int,
    template: TemplateView,
    *,
    status: Literal["scheduled", "expanding", "expanded"] = "expanding",
    send_at: dt.datetime | None = None,
) -> CampaignProgress:
    """A campaign to everyone following the agency, as it is stored before (or after) its expansion."""
    number = next_number()
    row = NewCampaignRow(
        agency_id=agency_id,
        template_id=template.id,
        category=template.category,
        title_th=template.title_th,
        title_en=template.title_en,
        body_th=template.body_th,
        body_en=template.body_en,
        url=None,
        urgency="normal",
        ttl_seconds=86400,
        audience=AgencyFollowers(),
        send_at=send_at,
        status=status,
        idempotency_key=f"factory-campaign-{number}",
        request_hash=b"factory",
        created_by=None,
    )
    async with pool.acquire() as connection:
        campaign_id = await campaigns.insert_campaign(connection, row)
    found = await campaigns.campaign_progress(pool, agency_id, campaign_id)
    assert found is not None
    return found
