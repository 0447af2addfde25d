"""A stale device against a table of every delivery ever made (``make bench``): removing a device its
push service calls gone, beside what a delivered push does to its device, each on DELIVERIES rows of
history, in one run. Printed, never asserted.

When deliveries referenced their device, the removal set its past deliveries' ``subscription_id`` to NULL, so
PostgreSQL had to find them: without an index on that foreign key it read the whole table once per removed
device (at 5 % stale devices a campaign ran at a sixth of its speed; past ~150 M rows one removal outlasted
the statement time-out). Since migration 0063 a delivery keeps the id as history and the removal touches no
delivery at all."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

from litestar import Litestar

from backend.core.db import Connection, Pool
from backend.core.resources import Resources
from backend.identity.service import Identity
from notifications.queries import devices
from tests.factories import make_agency, make_citizen, make_delivery, make_device, make_notification

DELIVERIES = 300_000
DEVICES = 200


async def _per_device(
    pool: Pool, ids: list[uuid.UUID], step: Callable[[Connection, list[uuid.UUID]], Awaitable[None]]
) -> float:
    """Mean seconds per device, each in its own transaction as a delivery batch's bookkeeping is."""
    started = time.perf_counter()
    for subscription_id in ids:
        async with pool.acquire() as connection, connection.transaction():
            await step(connection, [subscription_id])
    return (time.perf_counter() - started) / len(ids)


async def test_a_stale_device_costs_about_what_a_delivered_push_costs(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    identity: Identity = app.state.identity
    agency_id = await make_agency(pool, status="approved")
    citizen_id = await make_citizen(pool, identity.cipher)
    notice = await make_notification(pool, citizen_id, agency_id)
    history = await make_device(pool, citizen_id)
    for _ in range(0, DELIVERIES, 50_000):  # in parts, each well inside the statement time-out
        await pool.execute(
            """
            INSERT INTO notification_deliveries (notification_id, subscription_id, endpoint_origin, status)
            SELECT $1::uuid, $2::uuid, 'https://push.example.org', 'delivered' FROM generate_series(1, 50000)
            """,
            notice.id,
            history.id,
        )
    await pool.execute("ANALYZE notification_deliveries")
    succeeding = [await make_device(pool, citizen_id) for _ in range(DEVICES)]
    stale = [await make_device(pool, citizen_id) for _ in range(DEVICES)]
    for device in succeeding + stale:
        await make_delivery(pool, notice.id, device)
    try:
        success = await _per_device(pool, [d.id for d in succeeding], devices.subscriptions_succeeded)
        gone = await _per_device(pool, [d.id for d in stale], devices.remove_subscriptions)
    finally:
        await pool.execute("DELETE FROM notification_deliveries WHERE notification_id = $1::uuid", notice.id)
    print(
        f"\nstale devices, {DELIVERIES:,} deliveries of history, {DEVICES} devices each way:"
        f"\ndelivered push (device marked reachable): {success * 1000:.2f} ms per device (baseline)"
        f"\nstale device removed: {gone * 1000:.2f} ms per device, ratio {gone / success:.2f} of the baseline"
    )
