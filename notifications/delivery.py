"""The delivery worker: one task per notification and device, pushed with pywebpush's async path.

Each push is encrypted per RFC 8291 (aes128gcm) and signed per RFC 8292 (VAPID, a fresh claims dict
per call since pywebpush writes into it), with TTL, Urgency and Topic headers. Every attempt is a
row with the push service's status code and a reason in plain words for support staff:
201 delivered; 404 or 410 the device is gone (permanent failure, subscription removed); 413 too
large (permanent); 429, 5xx and time-outs are retried with back-off and jitter, honouring
Retry-After, until the last attempt, which ends as a technical failure.
"""

from __future__ import annotations

import asyncio
import random
from urllib.parse import urlsplit

import aiohttp
import msgspec
import structlog
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush_async

from backend.core.tasks import RetryLater, TaskContext, task_handler
from backend.lifespan import Resources
from notifications import queries
from notifications.service import DELIVER_TASK, FINAL_STATUSES, STATUS_WEBHOOK_TASK

_log = structlog.get_logger(__name__)

RETRY_DELAYS = (5, 30, 120, 600, 1800)
_TIMEOUT_SECONDS = 10
_REASONS = {
    404: "The device is no longer subscribed (404): it was removed.",
    410: "The device is no longer subscribed (410): it was removed.",
    413: "The message was too large for the push service (413).",
    429: "The push service asked us to slow down (429); retrying.",
}


def vapid_key(private_key: str) -> Vapid02:
    return Vapid02.from_raw(private_key.encode())


@task_handler(DELIVER_TASK, retry_delays=RETRY_DELAYS)
async def deliver(ctx: TaskContext, delivery_ref: str) -> None:
    delivery_id = int(delivery_ref)
    connection, settings = ctx.connection, ctx.resources.settings
    row = await queries.delivery_for_push(connection, delivery_id)
    if row is None or row["status"] in FINAL_STATUSES:
        return
    if row["subscription_id"] is None:
        await _finish(ctx, row, "permanent-failure", None, "The device was removed before the push.")
        return
    payload = msgspec.json.encode(
        {k: row[k] for k in ("title_th", "title_en", "body_th", "body_en", "url")}
        | {"id": row["notification_id"]}
    ).decode()
    status_code: int | None = None
    retry_after: float = 0
    try:
        async with _push_slot(ctx.resources, str(row["endpoint"])):
            await webpush_async(
                subscription_info={
                    "endpoint": row["endpoint"],
                    "keys": {"p256dh": row["p256dh"], "auth": row["auth"]},
                },
                data=payload,
                vapid_private_key=vapid_key(settings.vapid_private_key),
                # A fresh dict each call: pywebpush adds aud and exp to the one it is given.
                vapid_claims={"sub": settings.vapid_subject},
                ttl=row["ttl_seconds"],
                headers={"Urgency": row["urgency"], "Topic": row["notification_id"].replace("-", "")},
                timeout=_TIMEOUT_SECONDS,
            )
        status_code = 201
    except WebPushException as exc:
        response = exc.response
        status_code = getattr(response, "status", None) or getattr(response, "status_code", None)
        retry_after = _retry_after(getattr(response, "headers", {}) or {})
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        status_code = None
        reason = f"The push service could not be reached ({type(exc).__name__}); retrying."
        await _temporary(ctx, row, None, reason, 0)
        return
    if status_code in (200, 201, 202):
        await queries.subscription_succeeded(connection, row["subscription_id"])
        await _finish(ctx, row, "delivered", status_code, "Accepted by the push service.")
    elif status_code in (404, 410):
        await connection.execute("DELETE FROM push_subscriptions WHERE id = $1::uuid", row["subscription_id"])
        await _finish(ctx, row, "permanent-failure", status_code, _REASONS[status_code])
    elif status_code == 413:
        await _finish(ctx, row, "permanent-failure", status_code, _REASONS[413])
    elif status_code == 429 or (status_code is not None and status_code >= 500):
        reason = _REASONS.get(status_code, f"The push service failed ({status_code}); retrying.")
        await _temporary(ctx, row, status_code, reason, retry_after)
    else:
        await _finish(
            ctx,
            row,
            "technical-failure",
            status_code,
            f"The push service refused our request ({status_code}).",
        )


def _push_slot(resources: Resources, endpoint: str) -> asyncio.Semaphore:
    parts = urlsplit(endpoint)
    origin = f"{parts.scheme}://{parts.netloc}"
    slot = resources.push_slots.get(origin)
    if slot is None:
        slot = resources.push_slots[origin] = asyncio.Semaphore(
            resources.settings.push_concurrency_per_service
        )
    return slot


def _retry_after(headers: object) -> float:
    try:
        return float(headers.get("Retry-After", 0) or 0)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return 0


async def _finish(
    ctx: TaskContext, row: dict[str, object], status: str, status_code: int | None, reason: str
) -> None:
    delivery_id = int(str(row["id"]))
    await queries.set_delivery_status(ctx.connection, delivery_id, status)
    await queries.record_attempt(
        ctx.connection,
        delivery_id=delivery_id,
        attempt=ctx.attempt,
        status_code=status_code,
        outcome=status,
        reason=reason,
    )
    if status != "delivered" and row.get("subscription_id") and status_code not in (404, 410):
        await queries.subscription_failed(ctx.connection, str(row["subscription_id"]), reason)
    changed = await queries.refresh_notification_status(ctx.connection, str(row["notification_id"]))
    # Single messages tell the agency's webhook their outcome; campaigns are followed by their progress.
    if changed and changed["status"] in FINAL_STATUSES and not changed["in_campaign"]:
        await ctx.work.add_task(STATUS_WEBHOOK_TASK, str(row["notification_id"]))


async def _temporary(
    ctx: TaskContext, row: dict[str, object], status_code: int | None, reason: str, retry_after: float
) -> None:
    if ctx.attempt > len(RETRY_DELAYS):  # the last attempt: give up as a technical failure
        await _finish(
            ctx, row, "technical-failure", status_code, f"{reason} Gave up after {ctx.attempt} attempts."
        )
        return
    delivery_id = int(str(row["id"]))
    pool = ctx.resources.pool  # recorded outside the task's transaction, which rolls back on retry
    await queries.record_attempt(
        pool,
        delivery_id=delivery_id,
        attempt=ctx.attempt,
        status_code=status_code,
        outcome="temporary-failure",
        reason=reason,
    )
    await queries.set_delivery_status(pool, delivery_id, "temporary-failure")
    if row.get("subscription_id"):
        await queries.subscription_failed(pool, str(row["subscription_id"]), reason)
    jitter = random.uniform(0, 1)  # noqa: S311 (spreading retries, not secrecy)
    raise RetryLater(retry_after + jitter, reason)
