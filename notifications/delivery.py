"""The delivery worker: each task (``notifications.tasks.deliver``) pushes a batch of deliveries.

Each push is encrypted per RFC 8291 (aes128gcm, pywebpush's encoder) and signed per RFC 8292 (VAPID,
py_vapid, signed once per push service and reused until an hour before it expires), and posted through the
platform's vetted client (``backend.core.outbound``, never pywebpush's own session, which follows
redirects and vets nothing) to an endpoint that passes ``notifications.endpoints`` again at push time.
TTL, Urgency and Topic headers are sent, at most
PUSH_CONCURRENCY_PER_SERVICE at a time to one push service per process. Every attempt is a row with
the push service's status code and a reason in plain words for support staff: 201 delivered; 404
or 410 the device is gone (permanent failure, subscription removed); 413 too large (permanent);
429, 5xx and time-outs are pushed again by a later task, after a back-off with jitter that honours
Retry-After, until the last attempt, which ends as a technical failure.

A batch's outcomes are written together in the task's transaction, so a worker killed mid-batch
leaves them undone and the batch's next run pushes each of its messages at most once more. One push's
failure, whatever it is, is that delivery's outcome and never the batch's: otherwise every other
citizen in the batch would get the same push again on each retry.
"""

from __future__ import annotations

import asyncio
import binascii
import datetime as dt
import functools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import msgspec
import structlog
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException

from backend.core.outbound import DestinationRefused, refused_by_resolver
from backend.core.resources import Resources
from backend.core.tasks import TaskContext
from backend.settings import Settings
from notifications.endpoints import endpoint_problem
from notifications.queries import devices
from notifications.queries.deliveries import (
    ToPush,
    deliveries_for_push,
    record_outcomes,
    refresh_notification_statuses,
)
from notifications.service import (
    DELIVER_TASK,
    FINAL_STATUSES,
    STATUS_WEBHOOK_TASK,
    DeliveryBatch,
    NotificationRef,
    batch_of,
)

RETRY_DELAYS = (5, 30, 120, 600, 1800)
"""Seconds before each further attempt at a push that failed for a passing reason."""
_TIMEOUT_SECONDS = 10
_REASONS = {
    201: "Accepted by the push service.",
    404: "The device is no longer subscribed (404): it was removed.",
    410: "The device is no longer subscribed (410): it was removed.",
    413: "The message was too large for the push service (413).",
    429: "The push service asked us to slow down (429); retrying.",
}
_REMOVED = "The device was removed before the push."
_log = structlog.get_logger(__name__)


@functools.lru_cache(maxsize=4)
def vapid_key(private_key: str) -> Vapid02:
    return Vapid02.from_raw(private_key.encode())


_VAPID_LIFETIME = 12 * 3600
_VAPID_RENEW_BEFORE = 3600
_signed: dict[tuple[str, str, str], tuple[float, dict[str, str]]] = {}


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def _vapid_headers(private_key: str, subject: str, audience: str) -> dict[str, str]:
    """The VAPID Authorization header for one push service (RFC 8292), signed once and reused for every
    push to that origin until an hour before it expires: a campaign signs a few times, not once a push
    (signing was ~40% of the CPU of sealing a push: about 170 of 420 us on two shared cores)."""
    now = dt.datetime.now(dt.UTC).timestamp()
    key = (private_key, subject, audience)
    cached = _signed.get(key)
    if cached is not None and cached[0] - now > _VAPID_RENEW_BEFORE:
        return cached[1]
    expires = int(now) + _VAPID_LIFETIME
    # A fresh dict each call: the signer adds to the one it is given.
    claims: dict[str, str | int] = {"sub": subject, "aud": audience, "exp": expires}
    headers = {str(k): str(v) for k, v in vapid_key(private_key).sign(claims).items()}
    if len(_signed) > 1000:  # origins are a handful of push services; never let the map grow unbounded
        _signed.clear()
    _signed[key] = (expires, headers)
    return headers


@dataclass(frozen=True, slots=True)
class PushResult:
    status_code: int | None
    """None when the push service could not be reached."""
    retry_after: float = 0
    unreachable_reason: str = ""
    unusable_reason: str = ""
    """Set when this device can never be pushed to (its address or keys): a final failure, and the
    device is removed."""


@dataclass(frozen=True, slots=True)
class Outcome:
    row: ToPush
    status: str
    status_code: int | None
    reason: str
    retry_after: float = 0

    @property
    def attempt(self) -> int:
        return self.row.attempts_made + 1


async def deliver_batch(ctx: TaskContext, batch: DeliveryBatch) -> None:
    """Push each delivery not yet final, and record every outcome in the task's transaction."""
    rows = await deliveries_for_push(
        ctx.connection, batch.delivery_ids, batch.notification_ids, FINAL_STATUSES
    )
    if not rows:
        return
    results = await asyncio.gather(*(_push(ctx.resources, row) for row in rows))
    outcomes = [_outcome(row, result) for row, result in zip(rows, results, strict=True)]
    await _record(ctx, outcomes)


async def _push(resources: Resources, row: ToPush) -> PushResult | None:
    if row.subscription_id is None:
        return None
    try:
        return await _send(resources, row)
    except Exception as exc:  # one device must never fail its batch (the others would be pushed again)
        _log.exception("push_failed_unexpectedly", delivery_id=row.id)
        return PushResult(None, unusable_reason=f"The push could not be sent ({type(exc).__name__}).")


async def _send(resources: Resources, row: ToPush) -> PushResult:
    settings: Settings = resources.settings
    endpoint = str(row.endpoint)
    if (problem := endpoint_problem(endpoint, settings)) is not None:
        return PushResult(None, unusable_reason=f"The device's push address {problem}; it was removed.")
    try:
        body, headers = _sealed(settings, row, endpoint)
    except (ValueError, TypeError, binascii.Error, WebPushException) as exc:
        return PushResult(None, unusable_reason=f"The device's keys cannot be used ({type(exc).__name__}).")
    try:
        async with _push_slot(resources, endpoint):
            answer = await resources.push_outbound.request(
                "POST", endpoint, deadline=_TIMEOUT_SECONDS, data=body, headers=headers, max_bytes=64 * 1024
            )
    except DestinationRefused as exc:
        return PushResult(None, unusable_reason=f"The device's push address was refused ({exc}).")
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        if refused_by_resolver(exc):
            reason = "The device's push service resolves to a private address."
            return PushResult(None, unusable_reason=reason)
        return PushResult(None, 0, f"The push service could not be reached ({type(exc).__name__}); retrying.")
    return PushResult(answer.status, _retry_after(answer.headers))


def _sealed(settings: Settings, row: ToPush, endpoint: str) -> tuple[bytes, dict[str, str]]:
    """The encrypted body (RFC 8291) and the headers, VAPID-signed for the endpoint's origin (RFC 8292)."""
    payload = msgspec.json.encode(
        {
            "title_th": row.title_th,
            "title_en": row.title_en,
            "body_th": row.body_th,
            "body_en": row.body_en,
            "url": row.url,
            "id": row.notification_id,
            "code": row.verification_code,
        }
    )
    pusher = WebPusher({"endpoint": endpoint, "keys": {"p256dh": row.p256dh, "auth": row.auth}})
    body = pusher.encode(payload, "aes128gcm")["body"]
    headers = dict(_vapid_headers(settings.vapid_private_key, settings.vapid_subject, _origin(endpoint)))
    headers |= {
        "TTL": str(row.ttl_seconds),
        "Urgency": row.urgency,
        "Topic": row.notification_id.hex,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
    }
    return body, headers


def _outcome(row: ToPush, result: PushResult | None) -> Outcome:
    if result is None or result.unusable_reason:
        return Outcome(row, "permanent-failure", None, result.unusable_reason if result else _REMOVED)
    code = result.status_code
    if code in (200, 201, 202):
        return Outcome(row, "delivered", code, _REASONS[201])
    if code in (404, 410, 413):
        return Outcome(row, "permanent-failure", code, _REASONS[code])
    if code is None or code == 429 or code >= 500:
        reason = result.unreachable_reason or _REASONS.get(
            code or 0, f"The push service failed ({code}); retrying."
        )
        temporary = Outcome(row, "temporary-failure", code, reason, result.retry_after)
        if temporary.attempt > len(RETRY_DELAYS):
            return Outcome(
                row, "technical-failure", code, f"{reason} Gave up after {temporary.attempt} attempts."
            )
        return temporary
    return Outcome(row, "technical-failure", code, f"The push service refused our request ({code}).")


async def _record(ctx: TaskContext, outcomes: list[Outcome]) -> None:
    connection = ctx.connection
    notification_ids = sorted({o.row.notification_id for o in outcomes})
    await record_outcomes(
        connection,
        [(o.row.id, o.attempt, o.status_code, o.status, o.reason) for o in outcomes],
        notification_ids,
    )
    await _device_health(ctx, outcomes)
    for changed in await refresh_notification_statuses(connection, notification_ids):
        # Single messages tell the agency's webhook their outcome; campaigns are followed by their progress.
        if changed.status in FINAL_STATUSES and not changed.in_campaign:
            await ctx.work.add_task(STATUS_WEBHOOK_TASK, NotificationRef(changed.id))
    for push_at, retried in _retries(outcomes):
        await ctx.work.add_task(DELIVER_TASK, batch_of(retried), run_after=push_at)


_DEVICE_LOCK_TIMEOUT = "2s"


async def _device_health(ctx: TaskContext, outcomes: list[Outcome]) -> None:
    """Each device's last success or failure, and removing devices that are gone. In a savepoint, with a
    short lock wait: if it fails (a citizen removing that device at the same moment, a lock held long)
    the batch's outcomes still commit, so nobody is pushed the same message again on the task's retry;
    a gone device is found gone again at its next push."""
    succeeded = [o.row.subscription_id for o in outcomes if o.status == "delivered" and o.row.subscription_id]
    gone = [o.row.subscription_id for o in outcomes if _device_gone(o) and o.row.subscription_id]
    failed = [
        (o.row.subscription_id, o.reason)
        for o in outcomes
        if o.status != "delivered" and o.row.subscription_id and not _device_gone(o)
    ]
    if not (succeeded or gone or failed):
        return
    connection = ctx.connection
    try:
        async with connection.transaction():
            await connection.execute(f"SET LOCAL lock_timeout = '{_DEVICE_LOCK_TIMEOUT}'")
            if succeeded:
                await devices.subscriptions_succeeded(connection, succeeded)
            if gone:
                await devices.remove_subscriptions(connection, gone)
            if failed:
                await devices.subscriptions_failed(connection, failed)
            # SET LOCAL outlives a released savepoint: the rest of the batch's work keeps the usual wait.
            await connection.execute("SET LOCAL lock_timeout TO DEFAULT")
    except asyncpg.PostgresError as exc:
        _log.warning("device_health_not_recorded", error=type(exc).__name__, devices=len(outcomes))


def _device_gone(outcome: Outcome) -> bool:
    """The push service says the subscription is gone, or the device can never be pushed to."""
    unusable = outcome.status == "permanent-failure" and outcome.status_code is None
    return outcome.status_code in (404, 410) or (unusable and outcome.row.subscription_id is not None)


def _retries(outcomes: list[Outcome]) -> Iterator[tuple[dt.datetime, list[tuple[int, uuid.UUID]]]]:
    """One later task per attempt number, after its back-off or the longest Retry-After asked for."""
    waiting: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.status == "temporary-failure":
            waiting.setdefault(outcome.attempt, []).append(outcome)
    now = dt.datetime.now(dt.UTC)
    for attempt, group in waiting.items():
        delay = max(RETRY_DELAYS[attempt - 1], *(o.retry_after for o in group))
        jitter = random.uniform(0, 1 + delay / 10)  # noqa: S311 (spreading retries, not secrecy)
        yield now + dt.timedelta(seconds=delay + jitter), [(o.row.id, o.row.notification_id) for o in group]


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
