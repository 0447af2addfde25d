"""Signed webhooks to an agency: an event (its bill was paid, a refund moved, a message's final delivery
status) POSTed to the URL the agency registered, through the vetted client (``backend.core.outbound``):
the address is vetted when the connection is made, and a redirect is a failed attempt, never followed.

Events are queued through the task outbox in the same transaction as what they report, delivered by the
worker and retried after 1 minute, 5 minutes, 1 hour, 1 day and 2 days. Every attempt is recorded
(``webhook_deliveries``), failed or not. The body is signed like the banks' callbacks to us
(``backend.core.signatures``).
"""

from __future__ import annotations

import base64
import time
import uuid

import aiohttp
import msgspec

from backend.agencies import queries
from backend.core.crypto import NationalIdCipher
from backend.core.jsontypes import JsonObject
from backend.core.outbound import DestinationRefused, refused_by_resolver
from backend.core.signatures import sign
from backend.core.tasks import TaskContext

RETRY_DELAYS = (60, 300, 3600, 86400, 172800)
SECRET_PURPOSE = b"agency.webhook.secret.v1"
_TIMEOUT_SECONDS = 10


class WebhookFailed(Exception):
    pass


def _cipher(ctx: TaskContext) -> NationalIdCipher:
    settings = ctx.resources.settings
    return NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))


async def deliver_agency_event(
    ctx: TaskContext,
    agency_id: int,
    event_name: str,
    event_id: str,
    fields: JsonObject,
    *,
    payment_id: uuid.UUID | None = None,
    notification_id: uuid.UUID | None = None,
) -> None:
    """POST one signed event to the agency's webhook, if it has one; every attempt is recorded."""
    hook = await queries.webhook(ctx.connection, agency_id)
    if hook is None:
        return  # the agency has not asked to be told
    body = msgspec.json.encode({"event": event_name, **fields})
    secret = _cipher(ctx).decrypt(hook.secret_key_id, hook.secret_ciphertext, purpose=SECRET_PURPOSE)
    status_code: int | None = None
    try:
        answer = await ctx.resources.outbound.request(
            "POST",
            hook.url,
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
