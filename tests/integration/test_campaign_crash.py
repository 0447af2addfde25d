"""A worker killed with SIGKILL in the middle of a 10,000-recipient campaign loses nothing.

A real ``citizen worker`` process expands the campaign and pushes to 10,000 subscriptions at the
local RFC 8030 push service; it is killed mid-campaign, a second one is started, and afterwards every
citizen has exactly one inbox message in a final status, every device got the push, and no device
got it more than once more than needed.
"""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

import httpx

from backend.core.resources import Resources
from backend.settings import Settings
from notifications.service import DELIVERY_BATCH
from tests.campaign_data import seed_followers_with_devices
from tests.demo_agencies import running_push_service
from tests.helpers.notifications import PARAMS, TEMPLATE
from tests.integration.conftest import SignIn
from tests.worker_process import environment_of, running_worker

RECIPIENTS = 10_000
FINAL = ("delivered", "permanent-failure", "technical-failure", "suppressed", "cancelled")


async def _counts(resources: Resources, campaign_id: str) -> dict[str, Any]:
    row = await resources.pool.fetchrow(
        """
        SELECT c.status, c.recipients,
               (SELECT count(*) FROM notifications n
                WHERE n.campaign_id = c.id AND n.status = 'delivered') AS delivered
        FROM notification_campaigns c WHERE c.id = $1::uuid
        """,
        campaign_id,
    )
    assert row is not None
    return dict(row)


async def test_a_worker_killed_mid_campaign_loses_nothing_and_pushes_at_most_once_more(
    sign_in: SignIn, resources: Resources, settings: Settings
) -> None:
    with running_push_service() as push_service:
        agency_id = await resources.pool.fetchval(
            "INSERT INTO agencies (code, name_th, name_en, status) "
            "VALUES ('crash', 'ทดสอบ', 'Crash test', 'approved') RETURNING id"
        )
        sender = await sign_in(("agency_sender", agency_id))
        await sender.post(f"/api/v1/agency/{agency_id}/notification-templates", json=TEMPLATE)
        await seed_followers_with_devices(resources.pool, push_service, agency_id, RECIPIENTS)

        started = await sender.post(
            "/api/v1/agency/notification-campaigns",
            json={
                "audience": {"kind": "agency-followers"},
                "template": "bill-due",
                "params": PARAMS,
                "idempotency_key": "crash",
            },
        )
        assert started.status_code == 202, started.text
        campaign_id = started.json()["id"]

        # A short lease and sweep so that the killed worker's claimed tasks come back within seconds.
        environ = environment_of(
            settings, TASK_LEASE_SECONDS="3", OUTBOX_SWEEP_AFTER_SECONDS="1", WORKER_CONCURRENCY="20"
        )
        with running_worker(environ) as first:
            deadline = time.monotonic() + 180
            while True:
                progress = await _counts(resources, campaign_id)
                if progress["recipients"] >= 2000 and progress["delivered"] >= 500:
                    break
                assert first.poll() is None, "the worker exited by itself"
                assert time.monotonic() < deadline, f"the campaign did not get going: {progress}"
                await asyncio.sleep(0.1)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        killed_at = await _counts(resources, campaign_id)
        assert killed_at["status"] == "expanding", "the worker was killed after the campaign, not during"

        with running_worker(environ) as second:
            deadline = time.monotonic() + 600
            while True:
                progress = await _counts(resources, campaign_id)
                unfinished = await resources.pool.fetchval(
                    "SELECT count(*) FROM notifications "
                    "WHERE campaign_id = $1::uuid AND status <> ALL($2::text[])",
                    campaign_id,
                    list(FINAL),
                )
                if progress["status"] == "expanded" and unfinished == 0:
                    break
                assert second.poll() is None, "the second worker exited by itself"
                assert time.monotonic() < deadline, f"not finished: {progress}, {unfinished} unfinished"
                await asyncio.sleep(0.5)

        assert progress["recipients"] == RECIPIENTS
        assert progress["delivered"] == RECIPIENTS
        assert await resources.pool.fetchval(
            "SELECT count(DISTINCT citizen_id) FROM notifications WHERE campaign_id = $1::uuid", campaign_id
        ) == RECIPIENTS  # fmt: skip
        async with httpx.AsyncClient() as client:
            pushed = (await client.get(f"{push_service}/stats")).json()
        assert pushed["devices_reached"] == RECIPIENTS
        assert pushed["most_to_one_device"] <= 2  # a push in flight at the kill may be sent again
        # At most the batches in flight when the worker died went twice.
        assert pushed["received"] - RECIPIENTS <= int(environ["WORKER_CONCURRENCY"]) * DELIVERY_BATCH
        print(f"killed at {killed_at}; pushes {pushed}")  # the figures, with pytest -s
