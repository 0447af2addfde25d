"""The notifications feature's task handlers (run by the worker, in the transaction that marks the task
done), and its login hook; the composition root (``backend.server.tasks``) registers each for its kind.

- ``notifications.deliver``: push a batch of deliveries (``delivery``).
- ``notifications.expand_campaign``: plan a campaign's ranges, or add a range's next chunk of recipients
  (``campaigns``).
- ``notifications.release``: route a message scheduled for later, at its time.
- ``notifications.status_webhook``: tell the sending agency's webhook a single message's final status,
  signed, retried and recorded exactly like the payment events on the same webhook.
- ``entitlements.newly_eligible`` (queued by the connectors feature): proactive service, "you may be
  eligible", told before the citizen asks.
"""

from __future__ import annotations

import uuid

import msgspec
import structlog

from backend.agencies.webhooks import deliver_agency_event
from backend.connectors.entitlements import NewlyEligible
from backend.core.db import Connection
from backend.core.tasks import TaskContext
from backend.core.text import hidden_character
from notifications.campaigns import CampaignRef, expand_next_chunk, plan_expansion
from notifications.delivery import deliver_batch
from notifications.queries import inbox, messages
from notifications.service import DeliveryBatch, NotificationRef, enqueue_notification, route_notification

_WEEK_SECONDS = 7 * 86400
_log = structlog.get_logger(__name__)


async def deliver(ctx: TaskContext, batch: DeliveryBatch) -> None:
    await deliver_batch(ctx, batch)


async def expand_campaign(ctx: TaskContext, ref: CampaignRef) -> None:
    if ref.range_no is None:
        await plan_expansion(ctx, ref.campaign_id)
    else:
        await expand_next_chunk(ctx, ref.campaign_id, ref.range_no)


async def release_scheduled(ctx: TaskContext, ref: NotificationRef) -> None:
    """A scheduled message, routed to the citizen's devices as they are at its time."""
    notification_id = ref.notification_id
    message = await messages.notification_for_release(ctx.connection, notification_id)
    if message is None or message.routed or message.status != "created":
        return  # gone, or already routed by an earlier run of this task
    citizen_id = message.citizen_id
    await route_notification(
        ctx.work,
        notification_id,
        message.citizen_id,
        message.agency_id,
        message.category,
        message.urgency,
        from_platform=message.from_platform,
        preferences=await inbox.preferences(ctx.connection, citizen_id) if citizen_id else None,
    )


async def give_held_messages(connection: Connection, citizen_id: uuid.UUID, national_id_hash: bytes) -> None:
    """Messages held for a national ID that had not used the app go straight into the inbox at its
    first login: their status already says what a citizen without devices gets, which a first login
    is; a scheduled one is still routed at its time."""
    await messages.lock_national_id(connection, national_id_hash)  # see service.send_to_citizen
    if given := await messages.give_held(connection, citizen_id, national_id_hash):
        _log.info("held_messages_given", citizen_id=citizen_id, messages=given)


async def deliver_status_webhook(ctx: TaskContext, ref: NotificationRef) -> None:
    notification_id = ref.notification_id
    found = await messages.status_event(ctx.connection, notification_id)
    if found is None:
        return
    agency_id, event = found
    await deliver_agency_event(
        ctx,
        agency_id,
        "notification.status",
        f"notification.status:{notification_id}:{event.status}",
        msgspec.structs.asdict(event),
        notification_id=notification_id,
    )


async def tell_the_newly_eligible(ctx: TaskContext, ref: NewlyEligible) -> None:
    """When a connector's answer shows a citizen newly eligible for a scheme they are not enrolled in,
    the connectors feature queues this task in the transaction that stores the answer; the inbox
    message (and its pushes) take the path agencies' messages take, in the category ``entitlements``
    (which citizens may opt out of), once per time the status begins."""
    citizen_id, connector_id, scheme_id = ref.citizen_id, ref.connector_id, ref.scheme_id
    state = await messages.still_eligible(ctx.connection, citizen_id, connector_id, scheme_id)
    if state is None:  # no longer eligible, or the consent that let us know was withdrawn
        return
    # Answers are checked as they arrive (backend/connectors/contract.py); a state kept before that
    # rule is not written to anyone's inbox.
    texts = (state.scheme_name_th, state.scheme_name_en, state.how_to_claim_th, state.how_to_claim_en)
    if any(hidden_character(text or "") for text in texts):
        _log.warning("eligibility_text_refused", connector_id=connector_id, scheme_id=scheme_id)
        return
    await enqueue_notification(
        ctx.work,
        citizen_id=citizen_id,
        agency_id=state.agency_id,
        category="entitlements",
        template_id=None,
        texts={
            "title_th": f"คุณอาจมีสิทธิ์: {state.scheme_name_th}",
            "title_en": f"You may be eligible: {state.scheme_name_en}",
            "body_th": state.how_to_claim_th or "ดูรายละเอียดและวิธีขอรับสิทธิ์ได้ในหน้าสิทธิ์ของคุณ",
            "body_en": state.how_to_claim_en or "See the details and how to claim on your entitlements page.",
        },
        url="/entitlements",
        urgency="normal",
        ttl_seconds=_WEEK_SECONDS,
        # Once per time the status begins: eligible again after a change is worth telling again.
        idempotency_key=f"eligible:{connector_id}:{scheme_id}:{state.status_since.isoformat()}",
        request_hash=b"you may be eligible",
    )
