"""A citizen's side of notifications: their devices (push subscriptions), their inbox and their
preferences (quiet hours and opt-outs). The routes are ``notifications.api.citizen``."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization

from backend.core import pagination
from backend.core.crypto import b64url
from backend.core.errors import NotFound, invalid
from backend.core.resources import Resources
from backend.core.user_agents import describe
from notifications.delivery import vapid_key
from notifications.endpoints import endpoint_problem
from notifications.queries import devices
from notifications.queries import inbox as inbox_queries
from notifications.queries.devices import SubscriptionRow
from notifications.schemas import (
    DeviceView,
    InboxItem,
    InboxPage,
    NewSubscription,
    Preferences,
    QuietHours,
    Unread,
)


def vapid_public_key(resources: Resources) -> dict[str, str]:
    """The key a browser subscribes to pushes with (RFC 8292's application server key)."""
    public = vapid_key(resources.settings.vapid_private_key).public_key
    raw = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"public_key": b64url(raw)}


def _device_view(row: SubscriptionRow) -> DeviceView:
    failed, succeeded = row.last_failure_at, row.last_success_at
    return DeviceView(
        id=row.id,
        push_service=urlsplit(row.endpoint).netloc,
        user_agent=row.user_agent,
        device=describe(row.user_agent),
        created_at=row.created_at,
        last_success_at=succeeded,
        last_failure_at=failed,
        healthy=failed is None or (succeeded is not None and succeeded > failed),
    )


async def subscribe(
    resources: Resources, citizen_id: uuid.UUID, data: NewSubscription, user_agent: str
) -> DeviceView:
    if (problem := endpoint_problem(data.endpoint, resources.settings)) is not None:
        raise invalid("endpoint", problem)
    row = await devices.upsert_subscription(
        resources.pool,
        citizen_id=citizen_id,
        endpoint=data.endpoint,
        p256dh=data.keys.p256dh,
        auth=data.keys.auth,
        user_agent=user_agent[:300],
    )
    return _device_view(row)


async def my_devices(resources: Resources, citizen_id: uuid.UUID) -> list[DeviceView]:
    return [_device_view(row) for row in await devices.subscriptions(resources.pool, citizen_id)]


async def unsubscribe(resources: Resources, citizen_id: uuid.UUID, subscription_id: uuid.UUID) -> None:
    if not await devices.delete_subscription(resources.pool, citizen_id, subscription_id):
        raise NotFound("No such device.")


def _cursor(item: InboxItem) -> str:
    """The last message of a page as (created_at, id): created_at alone skips messages written in one
    transaction (they share it) when a page boundary falls between them."""
    return pagination.cursor(item.created_at.isoformat(), item.id)


def _after(parts: list[str]) -> tuple[dt.datetime, uuid.UUID]:
    created_at, message_id = parts
    when = dt.datetime.fromisoformat(created_at)
    if when.tzinfo is None:
        raise ValueError(created_at)
    return when, uuid.UUID(message_id)


async def inbox_page(
    resources: Resources, citizen_id: uuid.UUID, cursor: str | None, limit: int
) -> InboxPage:
    """``limit`` messages after ``cursor``; ``next_cursor`` is set when there are more."""
    after = pagination.position(cursor, _after, what="this inbox") if cursor is not None else None
    items = await inbox_queries.inbox(resources.pool, citizen_id, after, limit + 1)
    return InboxPage(
        items=items[:limit],
        unread=await inbox_queries.unread_count(resources.pool, citizen_id),
        next_cursor=_cursor(items[limit - 1]) if len(items) > limit else None,
    )


async def unread(resources: Resources, citizen_id: uuid.UUID) -> Unread:
    return Unread(unread=await inbox_queries.unread_count(resources.pool, citizen_id))


async def mark_read(resources: Resources, citizen_id: uuid.UUID, notification_id: uuid.UUID) -> None:
    if not await inbox_queries.mark_read(resources.pool, citizen_id, notification_id):
        raise NotFound("No such message.")


async def remove(resources: Resources, citizen_id: uuid.UUID, notification_id: uuid.UUID) -> None:
    if not await inbox_queries.delete_notification(resources.pool, citizen_id, notification_id):
        raise NotFound("No such message.")


async def restore(resources: Resources, citizen_id: uuid.UUID, notification_id: uuid.UUID) -> None:
    if not await inbox_queries.restore_notification(resources.pool, citizen_id, notification_id):
        raise NotFound("No such deleted message.")


async def preferences(resources: Resources, citizen_id: uuid.UUID) -> Preferences:
    row = await inbox_queries.preferences(resources.pool, citizen_id)
    if row is None:
        return Preferences()
    quiet = None
    if row.quiet_start is not None and row.quiet_end is not None:
        quiet = QuietHours(start=row.quiet_start, end=row.quiet_end)
    return Preferences(
        quiet_hours=quiet,
        timezone=row.timezone,
        opt_out_agencies=row.opt_out_agencies,
        opt_out_categories=row.opt_out_categories,
    )


async def set_preferences(resources: Resources, citizen_id: uuid.UUID, data: Preferences) -> Preferences:
    try:
        ZoneInfo(data.timezone)
    except (ValueError, KeyError) as exc:
        raise invalid("timezone", "is not a known time zone") from exc
    if data.quiet_hours is not None and data.quiet_hours.start == data.quiet_hours.end:
        raise invalid("quiet_hours", "start and end must differ")
    await inbox_queries.save_preferences(
        resources.pool,
        citizen_id,
        quiet_start=data.quiet_hours.start if data.quiet_hours else None,
        quiet_end=data.quiet_hours.end if data.quiet_hours else None,
        timezone=data.timezone,
        opt_out_agencies=sorted(set(data.opt_out_agencies)),
        opt_out_categories=sorted(set(data.opt_out_categories)),
    )
    return data
