"""Signed webhooks to an agency: its bill was paid, a refund moved (and, from notifications, a message's
final delivery status).

Queued through the task outbox in the same transaction that marks the payment successful, so it is
never lost; delivered by the worker and retried after 1 minute, 5 minutes, 1 hour, 1 day and 2 days.
Every attempt is recorded (``webhook_deliveries``), failed or not. The body is signed like the banks'
callbacks to us: ``X-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.body" under the agency's secret>``.
Sent through the vetted client (``backend.core.outbound``): the address is vetted when the connection
is made (a name re-pointed to an internal address after registration is refused), and a redirect is a
failed attempt, never followed.
"""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import msgspec
import structlog

from backend.core.crypto import NationalIdCipher
from backend.core.outbound import DestinationRefused, refused_by_resolver
from backend.core.tasks import TaskContext, task_handler
from payments import queries
from payments.service import REFUND_WEBHOOK_TASK, WEBHOOK_TASK, sign

_log = structlog.get_logger(__name__)

RETRY_DELAYS = (60, 300, 3600, 86400, 172800)
SECRET_PURPOSE = b"agency.webhook.secret.v1"
_TIMEOUT_SECONDS = 10


class WebhookFailed(Exception):
    pass


def _cipher(ctx: TaskContext) -> NationalIdCipher:
    import base64

    settings = ctx.resources.settings
    return NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))


@task_handler(WEBHOOK_TASK, retry_delays=RETRY_DELAYS)
async def deliver_payment_webhook(ctx: TaskContext, payment_id: str) -> None:
    event = await queries.paid_bill_event(ctx.connection, payment_id)
    if event is None:
        return  # not (or no longer) a successful payment: nothing to tell
    agency_id = event.pop("agency_id")
    await deliver_agency_event(
        ctx, agency_id, "payment.succeeded", f"payment.succeeded:{payment_id}", event, payment_id=payment_id
    )


@task_handler(REFUND_WEBHOOK_TASK, retry_delays=RETRY_DELAYS)
async def deliver_refund_webhook(ctx: TaskContext, refund_id: str) -> None:
    refund = await queries.refund_event(ctx.connection, refund_id)
    if refund is None or refund["agency_id"] is None:
        return  # money no bill of any agency's was paid with: nobody to tell
    agency_id = refund.pop("agency_id")
    event_id = f"refund.updated:{refund_id}:{refund['state']}"
    await deliver_agency_event(
        ctx, agency_id, "refund.updated", event_id, refund, payment_id=refund["payment_id"]
    )


async def deliver_agency_event(
    ctx: TaskContext,
    agency_id: int,
    event_name: str,
    event_id: str,
    fields: dict[str, Any],
    *,
    payment_id: str | None = None,
    notification_id: str | None = None,
) -> None:
    """POST one signed event to the agency's webhook, if it has one; every attempt is recorded."""
    hook = await queries.webhook(ctx.connection, agency_id)
    if hook is None:
        return  # the agency has not asked to be told
    body = msgspec.json.encode({"event": event_name, **fields})
    secret = _cipher(ctx).decrypt(hook["secret_key_id"], hook["secret_ciphertext"], purpose=SECRET_PURPOSE)
    status_code: int | None = None
    try:
        answer = await ctx.resources.outbound.request(
            "POST",
            hook["url"],
            deadline=_TIMEOUT_SECONDS,
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-Signature": sign(secret.encode(), int(time.time()), body),
                "X-Event-ID": event_id,
            },
            max_bytes=64 * 1024,
        )
        status_code = answer.status
        if answer.redirected:
            raise WebhookFailed(f"the agency answered {status_code}; redirects are not followed")
        if not 200 <= status_code < 300:
            raise WebhookFailed(f"the agency answered {status_code}")
    except (aiohttp.ClientError, TimeoutError, DestinationRefused, WebhookFailed) as exc:
        if refused_by_resolver(exc):
            detail = "the webhook's address is private or reserved"
        elif isinstance(exc, TimeoutError):
            detail = "no answer in time"
        else:
            detail = str(exc) or type(exc).__name__
        # Recorded outside the task's transaction, which rolls back when this attempt fails.
        await queries.record_delivery(
            ctx.resources.pool, agency_id=agency_id, payment_id=payment_id,
            notification_id=notification_id, attempt=ctx.attempt,
            status_code=status_code, outcome="failed", detail=f"{event_name}: {detail}"[:300],
        )  # fmt: skip
        raise WebhookFailed(detail) from exc
    await queries.record_delivery(
        ctx.connection, agency_id=agency_id, payment_id=payment_id,
        notification_id=notification_id, attempt=ctx.attempt,
        status_code=status_code, outcome="delivered", detail=event_name,
    )  # fmt: skip
