"""The path every message takes, whoever sends it (an agency's single message or campaign, payments,
applications, the platform's own): the inbox row is written (with one delivery per device) before
anything is pushed, and the deliveries are queued as tasks of up to ``DELIVERY_BATCH`` after that commit
(save, then queue). Quiet hours, opt-outs and emergency alerts are decided here; retention is in
``notifications.retention``.

What the routes call is in the modules named for their subject: ``inbox`` (citizens' devices, inbox
and preferences), ``sends`` (agencies' templates and single messages), ``campaigns``, ``alerts``
(emergency-alert approvals) and ``support``."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

import msgspec

from backend.agencies.webhooks import RETRY_DELAYS
from backend.core.db import Connection, Pool
from backend.core.errors import Conflict, FieldError, Forbidden, InvalidInput
from backend.core.tasks import TaskKind, UnitOfWork, unit_of_work
from backend.identity import queries as identity_queries
from notifications import seals
from notifications.queries import alerts, inbox, messages
from notifications.queries.campaigns import Campaign, insert_campaign_notifications
from notifications.queries.inbox import PreferencesRow
from notifications.queries.messages import NewMessage
from notifications.schemas import NO_DEVICES, NewNotification, NewTemplate, TemplateView

if TYPE_CHECKING:
    from saq.queue.base import Queue


class KeyAlreadyUsed(Exception):
    """A second message with an agency's idempotency key to the same person, raised before anything is
    written (the platform's notices take it as "already sent"; agencies' sends look their key up first)."""


class DeliveryBatch(msgspec.Struct, frozen=True):
    delivery_ids: list[int]
    notification_ids: list[uuid.UUID] = []
    """The deliveries' messages: their lookups then read only those months' partitions (migration 0060).
    Empty in batches queued before 0060, which read every month."""


def batch_of(deliveries: Iterable[tuple[int, uuid.UUID]]) -> DeliveryBatch:
    """The batch of these (delivery id, message id)."""
    pairs = list(deliveries)
    return DeliveryBatch([d for d, _ in pairs], sorted({n for _, n in pairs}))


class NotificationRef(msgspec.Struct, frozen=True):
    notification_id: uuid.UUID


# Handled by ``notifications.tasks``: push a batch of deliveries; route a scheduled message at its
# time; tell the sending agency's webhook a single message's final status (retried like payments').
DELIVER_TASK = TaskKind("notifications.deliver", DeliveryBatch)
RELEASE_TASK = TaskKind("notifications.release", NotificationRef)
STATUS_WEBHOOK_TASK = TaskKind("notifications.status_webhook", NotificationRef, retry_delays=RETRY_DELAYS)
FINAL_STATUSES = frozenset({"delivered", "permanent-failure", "technical-failure", "cancelled", "suppressed"})
# Messages about the citizen's own money or safety, sent as urgent, reach them whatever their
# opt-outs and quiet hours say (documented in the README). An agency's say-so is not enough: only the
# platform's own messages and agencies approved for emergency alerts may use these categories.
# "turns": a waiting room's "your turn, register within ten minutes", which the citizen asked for by
# joining the line; held back by quiet hours it would arrive after their place had lapsed.
RESERVED_CATEGORIES = frozenset({"payments", "safety", "turns"})
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]{0,39})\}")
_TEXT_FIELDS = ("title_th", "title_en", "body_th", "body_en")
DELIVERY_BATCH = 50
"""Deliveries pushed by one task: one claim and a few set-based writes for many pushes."""


class EmergencyAlertsOnly(Forbidden):
    """English then Thai, as other refusals in plain words (clients match the English start)."""

    problem_type = "emergency-alerts-only"
    title = "This category is for emergency alerts only · หมวดนี้สงวนไว้สำหรับการแจ้งเตือนฉุกเฉิน"

    def __init__(self, category: str, field: str) -> None:
        message = (
            f"Only the platform and agencies a platform administrator approved for emergency alerts may"
            f" send {category} messages: sent as urgent, they reach citizens whatever their preferences say."
            f" · ข้อความหมวด {category} ที่ส่งแบบด่วนจะถึงประชาชนแม้ปิดการแจ้งเตือนไว้ จึงส่งได้เฉพาะระบบเอง"
            f"และหน่วยงานที่ผู้ดูแลระบบอนุมัติให้ส่งการแจ้งเตือนฉุกเฉิน"
        )
        super().__init__(message, errors=[FieldError(field=field, message=message)])


async def require_category_allowed(db: Pool | Connection, agency_id: int, category: str, field: str) -> None:
    """403 when an agency without an approval for emergency alerts uses a reserved category."""
    if category in RESERVED_CATEGORIES and not await alerts.approved_for_emergency_alerts(db, agency_id):
        raise EmergencyAlertsOnly(category, field)


def placeholders_of(template: NewTemplate) -> list[str]:
    return sorted({name for field in _TEXT_FIELDS for name in _PLACEHOLDER.findall(getattr(template, field))})


def render(template: TemplateView, params: dict[str, str]) -> dict[str, str]:
    """The template's four texts with the parameters put in; a missing or unknown one is refused."""
    declared = set(template.placeholders)
    errors = [
        FieldError(field=f"params.{name}", message="is not a placeholder of this template")
        for name in sorted(set(params) - declared)
    ]
    errors += [
        FieldError(field=f"params.{name}", message="is missing") for name in sorted(declared - set(params))
    ]
    if errors:
        raise InvalidInput("; ".join(f"{e.field} {e.message}" for e in errors), errors=errors)
    return {
        field: _PLACEHOLDER.sub(lambda match: params[match.group(1)], getattr(template, field))
        for field in _TEXT_FIELDS
    }


async def send_to_citizen(
    pool: Pool,
    queue: Queue,
    *,
    agency_id: int,
    national_id_hash: bytes,
    template: TemplateView,
    request: NewNotification,
) -> tuple[uuid.UUID, bool]:
    """(notification id, created now). The same idempotency key and body give the same notification.

    A national ID that has not used the app yet is answered the same way: its message is held and
    becomes theirs at their first login (``tasks.give_held_messages``), ending meanwhile as a message to
    a citizen without devices does, so nothing the agency sees tells it who has an account."""
    await require_category_allowed(pool, agency_id, template.category, "template")
    texts = render(template, request.params)
    # The body without the national ID, encoded as the struct is (a replaced NewNotification would be
    # checked again, and "" is no national ID).
    unnamed = {**msgspec.structs.asdict(request), "national_id": ""}
    digest = hashlib.sha256(msgspec.json.encode(unnamed)).digest()
    async with unit_of_work(pool, queue) as work:
        await messages.lock_national_id(work.connection, national_id_hash)
        earlier = await messages.notification_by_key(
            work.connection, agency_id, national_id_hash, request.idempotency_key
        )
        if earlier is not None:
            if earlier.request_hash != digest:
                raise Conflict("This idempotency key was used for a different notification.")
            return earlier.id, False
        citizen_id = await identity_queries.citizen_id_by_hash(work.connection, national_id_hash)
        notification_id = await enqueue_notification(
            work,
            citizen_id=citizen_id,
            held_for=national_id_hash if citizen_id is None else None,
            agency_id=agency_id,
            category=template.category,
            template_id=template.id,
            texts=texts,
            url=request.url,
            urgency=request.urgency,
            ttl_seconds=request.ttl_seconds,
            idempotency_key=request.idempotency_key,
            request_hash=digest,
            send_at=request.send_at,
        )
    return notification_id, True


def push_decision(
    preferences: PreferencesRow | None,
    *,
    agency_id: int,
    category: str,
    urgency: str,
    now: dt.datetime,
    vouched: bool = False,
) -> tuple[Literal["now", "later", "suppressed"], dt.datetime | None, str | None]:
    """Whether the push goes now, later (when quiet hours end) or not at all; the inbox gets the
    message in every case. ``vouched``: the platform wrote it, or its agency is approved for
    emergency alerts; only then may an urgent money or safety message pass opt-outs and quiet hours."""
    if vouched and urgency == "high" and category in RESERVED_CATEGORIES:
        return "now", None, None
    if preferences is None:
        return "now", None, None
    opted_out = _opted_out(preferences, agency_id, category)
    if opted_out:
        return "suppressed", None, opted_out
    start, end = preferences.quiet_start, preferences.quiet_end
    # Urgency alone is the sender's own claim: it sets the push's priority, never past quiet hours.
    if start is None or end is None:
        return "now", None, None
    local = now.astimezone(ZoneInfo(preferences.timezone))
    quiet = start <= local.time() < end if start < end else (local.time() >= start or local.time() < end)
    if not quiet:
        return "now", None, None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += dt.timedelta(days=1)
    return "later", ends.astimezone(dt.UTC), f"Quiet hours: the push waits until {end:%H:%M}."


def _opted_out(preferences: PreferencesRow, agency_id: int, category: str) -> str | None:
    if agency_id in preferences.opt_out_agencies:
        return "The citizen turned off messages from this agency."
    if category in preferences.opt_out_categories:
        return f"The citizen turned off {category} messages."
    return None


async def vouched_for(
    connection: Connection, *, agency_id: int, category: str, urgency: str, from_platform: bool
) -> bool:
    """See ``push_decision``: asked when it is routed, so a revoked approval counts at once."""
    if urgency != "high" or category not in RESERVED_CATEGORIES:
        return False
    return from_platform or await alerts.approved_for_emergency_alerts(connection, agency_id)


async def enqueue_notification(
    work: UnitOfWork,
    *,
    citizen_id: uuid.UUID | None,
    agency_id: int,
    category: str,
    template_id: int | None,
    texts: dict[str, str],
    url: str | None,
    urgency: str,
    ttl_seconds: int,
    idempotency_key: str,
    request_hash: bytes,
    send_at: dt.datetime | None = None,
    held_for: bytes | None = None,
    from_platform: bool = False,
) -> uuid.UUID:
    """The inbox row and one delivery task per device, in the caller's transaction (other features,
    such as payments, call this in the transaction of their own change). A message scheduled for
    later is written now but appears in the inbox, and is routed to devices, only at ``send_at``.
    ``held_for``: the national ID's lookup hash when no citizen has it yet (``citizen_id`` None).
    ``from_platform``: written by the platform itself, never on an agency's say-so (see
    ``push_decision``)."""
    if not await messages.claim_key(work.connection, agency_id, citizen_id, held_for, idempotency_key):
        raise KeyAlreadyUsed(idempotency_key)
    now = dt.datetime.now(dt.UTC)
    later = send_at is not None and send_at > now
    sent_at = send_at if later and send_at is not None else now
    seal = seals.of_texts(agency_id, citizen_id, held_for, sent_at, texts, url)
    [code] = await seals.codes_for(work, [seal])
    message = NewMessage(
        citizen_id=citizen_id,
        agency_id=agency_id,
        template_id=template_id,
        title_th=texts["title_th"],
        title_en=texts["title_en"],
        body_th=texts["body_th"],
        body_en=texts["body_en"],
        url=url,
        urgency=urgency,
        ttl_seconds=ttl_seconds,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        created_at=send_at if later else None,
        held_for=held_for,
        from_platform=from_platform,
        verification_code=code,
    )
    if later or citizen_id is None:
        notification_id = await messages.insert_notification(work.connection, message)
        preferences = None
    else:  # routed at once: the citizen's preferences read with the insert
        notification_id, preferences = await messages.insert_notification_to_route(work.connection, message)
    if later:
        assert send_at is not None
        await messages.set_notification_status(
            work.connection, notification_id, "created", f"Scheduled for {send_at:%Y-%m-%d %H:%M} UTC."
        )
        await work.add_task(RELEASE_TASK, NotificationRef(notification_id), run_after=send_at)
    else:
        await route_notification(
            work, notification_id, citizen_id, agency_id, category, urgency, from_platform=from_platform,
            preferences=preferences,
        )  # fmt: skip
    return notification_id


async def route_notification(
    work: UnitOfWork,
    notification_id: uuid.UUID,
    citizen_id: uuid.UUID | None,
    agency_id: int,
    category: str,
    urgency: str,
    *,
    from_platform: bool,
    preferences: PreferencesRow | None,
) -> None:
    """Suppress it, or queue one delivery per device of the citizen now or when quiet hours end,
    given the citizen's ``preferences`` (None: none stored, or no citizen).
    A held message (no citizen yet) has no preferences and no devices, so it ends as the message of
    a citizen without devices does, by the same steps."""
    vouched = await vouched_for(
        work.connection, agency_id=agency_id, category=category, urgency=urgency, from_platform=from_platform
    )
    decision, push_at, reason = push_decision(
        preferences,
        agency_id=agency_id,
        category=category,
        urgency=urgency,
        now=dt.datetime.now(dt.UTC),
        vouched=vouched,
    )
    if decision == "suppressed":
        await messages.set_notification_status(work.connection, notification_id, "suppressed", reason)
        await work.add_task(STATUS_WEBHOOK_TASK, NotificationRef(notification_id))
        return
    status, status_reason = ("created", reason) if decision == "later" else ("sending", None)
    deliveries = await messages.route_to_devices(work.connection, notification_id, status, status_reason)
    if not deliveries:  # in the inbox only
        await work.add_task(STATUS_WEBHOOK_TASK, NotificationRef(notification_id))
    await queue_deliveries(work, [(delivery_id, notification_id, push_at) for delivery_id in deliveries])


async def queue_deliveries(
    work: UnitOfWork, deliveries: list[tuple[int, uuid.UUID, dt.datetime | None]]
) -> None:
    """Delivery tasks for (delivery id, its message's id, when to push), in batches of those due at the
    same time."""
    by_time: dict[dt.datetime | None, list[tuple[int, uuid.UUID]]] = {}
    for delivery_id, notification_id, push_at in deliveries:
        by_time.setdefault(push_at, []).append((delivery_id, notification_id))
    await work.add_tasks(
        DELIVER_TASK,
        [
            (batch_of(pairs[start : start + DELIVERY_BATCH]), push_at)
            for push_at, pairs in by_time.items()
            for start in range(0, len(pairs), DELIVERY_BATCH)
        ],
    )


async def enqueue_campaign_chunk(work: UnitOfWork, campaign: Campaign, citizen_ids: list[uuid.UUID]) -> None:
    """What ``enqueue_notification`` does for one citizen, for a chunk of a campaign's recipients in a
    handful of statements: the inbox rows, a delivery per device, and their tasks."""
    preferences = await inbox.preferences_of(work.connection, citizen_ids)
    now = dt.datetime.now(dt.UTC)
    # Campaigns are always an agency's: past preferences only while it is approved for emergency alerts.
    vouched = await vouched_for(
        work.connection,
        agency_id=campaign.agency_id,
        category=campaign.category,
        urgency=campaign.urgency,
        from_platform=False,
    )
    decisions = {
        citizen_id: push_decision(
            preferences.get(citizen_id),
            agency_id=campaign.agency_id,
            category=campaign.category,
            urgency=campaign.urgency,
            now=now,
            vouched=vouched,
        )
        for citizen_id in citizen_ids
    }
    statuses = {"now": "sending", "later": "created", "suppressed": "suppressed"}
    codes = await seals.codes_for(
        work, [seals.of_campaign(campaign, citizen_id, now) for citizen_id in decisions]
    )
    recipients = [
        (citizen_id, statuses[decision], reason, code)
        for (citizen_id, (decision, _, reason)), code in zip(decisions.items(), codes, strict=True)
    ]
    inserted = await insert_campaign_notifications(work.connection, campaign, recipients)
    push_at = {
        notification_id: decisions[citizen_id][1]
        for notification_id, citizen_id in inserted
        if decisions[citizen_id][0] != "suppressed"
    }
    deliveries = await messages.create_deliveries_for(work.connection, list(push_at))
    without_devices = set(push_at) - {notification_id for _, notification_id in deliveries}
    if without_devices:
        await messages.set_statuses(work.connection, sorted(without_devices), "permanent-failure", NO_DEVICES)
    await queue_deliveries(
        work,
        [
            (delivery_id, notification_id, push_at[notification_id])
            for delivery_id, notification_id in deliveries
        ],
    )
