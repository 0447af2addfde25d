"""A device's history: a delivery keeps the id of the device it went to (migration 0063: no foreign key, so
removing a device touches none of its deliveries), and a device's last success is kept to within an hour,
so that a national campaign does not rewrite every device's row."""

from __future__ import annotations

import datetime as dt
import uuid

from litestar import Litestar

from backend.core.resources import Resources
from backend.identity.service import Identity
from notifications.queries import devices
from notifications.queries import support as support_queries
from tests.factories import make_citizen, make_device
from tests.helpers.notifications import deliver_all, received, send, sender_and_subscriber
from tests.integration.conftest import SignIn


async def test_a_device_removed_before_its_push_is_skipped_and_its_delivery_keeps_the_id(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    """A delivery keeps the id of its device as history (migration 0063: no foreign key to clear): once the
    citizen removed the device, the queued push is not sent, and support sees the device as removed."""
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 78)
    sent = (await sender.post("/api/v1/agency/notifications", json=send(national_id))).json()
    subscription_id = await resources.pool.fetchval(
        "SELECT id::text FROM push_subscriptions WHERE endpoint = $1", device["endpoint"]
    )
    removed = await citizen.delete(f"/api/v1/push/subscriptions/{subscription_id}")
    assert removed.status_code == 204, removed.text
    assert await deliver_all(resources) == ["done"]
    assert await received(push_service, device["device_id"]) == []
    kept = await resources.pool.fetchval(
        "SELECT subscription_id::text FROM notification_deliveries WHERE notification_id = $1::uuid",
        sent["id"],
    )
    assert kept == subscription_id
    [seen] = await support_queries.attempts_for_support(resources.pool, [uuid.UUID(sent["id"])])
    assert (seen.subscription_id, seen.delivery_status) == (None, "permanent-failure")
    reason = await resources.pool.fetchval("SELECT reason FROM delivery_attempts")
    assert "removed" in reason


async def test_a_devices_success_is_written_once_an_hour_but_always_after_a_failure(
    app: Litestar, resources: Resources
) -> None:
    """Each delivered push would rewrite its device's row (and, after a checkpoint, the whole page in the
    WAL): the last success is kept to within an hour, while a device that failed since is always marked
    healthy again by its next success."""
    pool = resources.pool
    identity: Identity = app.state.identity
    citizen_id = await make_citizen(pool, identity.cipher)
    device = await make_device(pool, citizen_id)

    async def marks() -> tuple[dt.datetime | None, dt.datetime | None]:
        row = await pool.fetchrow(
            "SELECT last_success_at, last_failure_at FROM push_subscriptions WHERE id = $1", device.id
        )
        assert row is not None
        return row["last_success_at"], row["last_failure_at"]

    async def succeed() -> None:
        async with pool.acquire() as connection:
            await devices.subscriptions_succeeded(connection, [device.id])

    await succeed()
    first, _ = await marks()
    assert first is not None
    await succeed()
    assert (await marks())[0] == first  # within the hour: not written again
    await pool.execute(
        "UPDATE push_subscriptions SET last_success_at = now() - interval '61 minutes' WHERE id = $1",
        device.id,
    )
    shifted, _ = await marks()
    await succeed()
    written, _ = await marks()
    assert shifted is not None
    assert written is not None
    assert written > shifted  # older than an hour: written
    async with pool.acquire() as connection:
        await devices.subscriptions_failed(
            connection, [(device.id, "The push service failed (500); retrying.")]
        )
    await succeed()
    succeeded, failed = await marks()
    assert succeeded is not None
    assert failed is not None
    assert succeeded > failed  # healthy at once (as the device list tells it)
