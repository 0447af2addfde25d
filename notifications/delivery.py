"""The delivery worker: each task pushes a batch of deliveries with pywebpush's async path.

Each push is encrypted per RFC 8291 (aes128gcm) and signed per RFC 8292 (VAPID, a fresh claims dict
per call since pywebpush writes into it), with TTL, Urgency and Topic headers, at most
PUSH_CONCURRENCY_PER_SERVICE at a time to one push service per process. Every attempt is a row with
the push service's status code and a reason in plain words for support staff: 201 delivered; 404
or 410 the device is gone (permanent failure, subscription removed); 413 too large (permanent);
429, 5xx and time-outs are pushed again by a later task, after a back-off with jitter that honours
Retry-After, until the last attempt, which ends as a technical failure.

A batch's outcomes are written together in the task's transaction, so a worker killed mid-batch
leaves them undone and the batch's next run pushes each of its messages at most once more.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import msgspec
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush_async

from backend.core.tasks import TaskContext, task_handler
from backend.lifespan import Resources
from backend.settings import Settings
from notifications import queries
from notifications.service import DELIVER_TASK, FINAL_STATUSES, STATUS_WEBHOOK_TASK

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


@functools.lru_cache(maxsize=4)
def vapid_key(private_key: str) -> Vapid02:
    return Vapid02.from_raw(private_key.encode())


@dataclass(frozen=True, slots=True)
class PushResult:
    status_code: int | None
    """None when the push service could not be reached."""
    retry_after: float = 0
    unreachable_reason: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    row: dict[str, Any]
    status: str
    status_code: int | None
    reason: str
    retry_after: float = 0

    @property
    def attempt(self) -> int:
        return int(self.row["attempts_made"]) + 1


@task_handler(DELIVER_TASK)
async def deliver(ctx: TaskContext, delivery_refs: str) -> None:
    delivery_ids = [int(ref) for ref in delivery_refs.split(",")]
    rows = await queries.deliveries_for_push(ctx.connection, delivery_ids, FINAL_STATUSES)
    if not rows:
        return
    results = await asyncio.gather(*(_push(ctx.resources, row) for row in rows))
    outcomes = [_outcome(row, result) for row, result in zip(rows, results, strict=True)]
    await _record(ctx, outcomes)


async def _push(resources: Resources, row: dict[str, Any]) -> PushResult | None:
    if row["subscription_id"] is None:
        return None
    settings: Settings = resources.settings
    payload = msgspec.json.encode(
        {k: row[k] for k in ("title_th", "title_en", "body_th", "body_en", "url")}
        | {"id": row["notification_id"]}
    ).decode()
    try:
        async with _push_slot(resources, str(row["endpoint"])):
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
    except WebPushException as exc:
        response = exc.response
        status_code = getattr(response, "status", None) or getattr(response, "status_code", None)
        return PushResult(status_code, _retry_after(getattr(response, "headers", {}) or {}))
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return PushResult(None, 0, f"The push service could not be reached ({type(exc).__name__}); retrying.")
    return PushResult(201)


def _outcome(row: dict[str, Any], result: PushResult | None) -> Outcome:
    if result is None:
        return Outcome(row, "permanent-failure", None, _REMOVED)
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
    await queries.record_outcomes(
        connection, [(o.row["id"], o.attempt, o.status_code, o.status, o.reason) for o in outcomes]
    )
    if succeeded := [o.row["subscription_id"] for o in outcomes if o.status == "delivered"]:
        await queries.subscriptions_succeeded(connection, succeeded)
    if gone := [o.row["subscription_id"] for o in outcomes if o.status_code in (404, 410)]:
        await queries.remove_subscriptions(connection, gone)
    if failed := [
        (o.row["subscription_id"], o.reason)
        for o in outcomes
        if o.status != "delivered" and o.row["subscription_id"] and o.status_code not in (404, 410)
    ]:
        await queries.subscriptions_failed(connection, failed)
    notification_ids = sorted({str(o.row["notification_id"]) for o in outcomes})
    for changed in await queries.refresh_notification_statuses(connection, notification_ids):
        # Single messages tell the agency's webhook their outcome; campaigns are followed by their progress.
        if changed["status"] in FINAL_STATUSES and not changed["in_campaign"]:
            await ctx.work.add_task(STATUS_WEBHOOK_TASK, changed["id"])
    for push_at, delivery_ids in _retries(outcomes):
        await ctx.work.add_task(DELIVER_TASK, ",".join(map(str, delivery_ids)), run_after=push_at)


def _retries(outcomes: list[Outcome]) -> Iterator[tuple[dt.datetime, list[int]]]:
    """One later task per attempt number, after its back-off or the longest Retry-After asked for."""
    waiting: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.status == "temporary-failure":
            waiting.setdefault(outcome.attempt, []).append(outcome)
    now = dt.datetime.now(dt.UTC)
    for attempt, group in waiting.items():
        delay = max(RETRY_DELAYS[attempt - 1], *(o.retry_after for o in group))
        jitter = random.uniform(0, 1 + delay / 10)  # noqa: S311 (spreading retries, not secrecy)
        yield now + dt.timedelta(seconds=delay + jitter), [int(o.row["id"]) for o in group]


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
