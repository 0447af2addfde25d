"""Scenario 3: workers SIGKILLed during a campaign and during payment expiry."""

from __future__ import annotations

import asyncio
import time
import uuid
from functools import partial
from typing import Any

import httpx

from backend.core.db import Pool
from notifications.service import DELIVERY_BATCH, FINAL_STATUSES
from scripts.faults.checks import check_invariants, drain
from scripts.faults.world import TEMPLATE, World, pairs
from scripts.stack.clients import gather_limited, new_key
from scripts.stack.stack import WATER_BILLER
from tests.campaign_data import seed_followers_with_devices

CAMPAIGN_RECIPIENTS = 3000
STALE_EVERY = 20  # one device in 20 is stale (5%)
EXPIRING_PAYMENTS = 1000  # the expiry job takes up to 1,000 a run, in one transaction


async def seed_followers(world: World, count: int) -> list[str]:
    """``count`` citizens following a tile of the welfare agency, each with a device at the push service;
    returns the device ids."""
    return await seed_followers_with_devices(
        world.pool, world.stack.push_url, world.welfare.agency_id, count, issuer="faults"
    )


async def make_stale(world: World, devices: list[str]) -> list[str]:
    """As uninstalled apps' subscriptions are: their push service answers 410 (gone) from now on."""
    async with httpx.AsyncClient(timeout=30) as client:
        for device in devices:
            await client.post(
                f"{world.stack.push_url}/devices/{device}/respond", json={"status": 410, "times": 10}
            )
    return devices


async def campaign_progress(pool: Pool, campaign_id: str) -> dict[str, Any]:
    row = await pool.fetchrow(
        """
        SELECT c.status, c.recipients,
               (SELECT count(*) FROM notifications n WHERE n.campaign_id = c.id AND n.status = 'delivered')
                   AS delivered,
               (SELECT count(*) FROM notifications n
                WHERE n.campaign_id = c.id AND n.status <> ALL($2::text[])) AS unfinished
        FROM notification_campaigns c WHERE c.id = $1::uuid
        """,
        campaign_id,
        list(FINAL_STATUSES),
    )
    assert row is not None
    return dict(row)


async def insert_expiring_payments(world: World) -> list[str]:
    """EXPIRING_PAYMENTS pending payments past their expiry, each with its 'created' and 'pending'
    events (written directly: the API would take minutes)."""
    citizen_id, batch = world.citizens[0].browser.citizen_id, uuid.uuid4().hex[:6].upper()
    rows = await world.pool.fetch(
        """
        WITH new_bills AS (
            INSERT INTO bills (agency_id, national_id_hash, amount_satang, due_date, biller_id, ref1,
                               description_th, description_en, idempotency_key, request_hash)
            SELECT $1, (SELECT national_id_hash FROM citizens WHERE id = $5::uuid), 100, current_date + 7, $2,
                   'X' || $3 || i, 'หมดอายุ', 'Expiring', 'exp-' || $3 || i, '\\x00'
            FROM generate_series(1, $4::int) AS i RETURNING id
        ), new_payments AS (
            INSERT INTO payments (bill_id, citizen_id, amount_satang, state, qr_payload, idempotency_key,
                                  expires_at, created_at)
            SELECT id, $5::uuid, 100, 'pending', 'qr', 'exp-' || id, now() - interval '1 minute',
                   now() - interval '16 minutes'
            FROM new_bills RETURNING id
        ), events AS (
            INSERT INTO payment_events (payment_id, from_state, to_state, source)
            SELECT id, NULL, 'created', 'citizen' FROM new_payments
            UNION ALL SELECT id, 'created', 'pending', 'system' FROM new_payments
        )
        SELECT id::text FROM new_payments
        """,
        world.water.agency_id, WATER_BILLER, batch, EXPIRING_PAYMENTS, citizen_id,
    )  # fmt: skip
    return [row["id"] for row in rows]


async def expiry_transaction_open(pool: Pool, seconds: float) -> bool:
    """Watch for the expiry job's transaction (its UPDATE, then an INSERT per payment) to be open."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if await pool.fetchval(
            """
            SELECT count(*) FROM pg_stat_activity WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()
              AND (query LIKE 'UPDATE payments SET state = ''expired''%'
                   OR query LIKE '%INSERT INTO payment_events%')
            """
        ):
            return True
        await asyncio.sleep(0.01)
    return False


async def workers_killed(world: World) -> None:
    """A campaign to thousands of devices: one worker SIGKILLed a third of the way in. Then payments
    due to expire: both workers SIGKILLed while the expiry job's transaction is open (which worker runs
    a cron job cannot be told from PostgreSQL over a Unix socket, so both go). Replacements start each
    time; then every item must reach its final state, once."""
    report, stack, pool = world.report, world.stack, world.pool
    report.section("3. Workers killed with SIGKILL during a campaign and during payment expiry")
    devices = await seed_followers(world, CAMPAIGN_RECIPIENTS)
    stale = await make_stale(world, devices[::STALE_EVERY])
    started = await world.welfare.call(
        "campaign", 0, "POST", "/api/v1/agency/notification-campaigns",
        json={"audience": {"kind": "agency-followers"}, "template": TEMPLATE["key"],
              "params": {"what": "a campaign"}, "idempotency_key": new_key("campaign")},
    )  # fmt: skip
    if started is None or started.status_code != 202:
        report.check("campaign started", False, f"answer {started.status_code if started else 'none'}")
        return
    campaign_id: str = started.json()["id"]
    began = time.monotonic()
    while (progress := await campaign_progress(pool, campaign_id))["recipients"] < CAMPAIGN_RECIPIENTS // 3:
        if time.monotonic() - began > 120:
            report.check("campaign got going", False, f"after 120 s: {progress}")
            return
        await asyncio.sleep(0.05)
    victim = stack.workers[0]
    await asyncio.to_thread(victim.kill)
    progress = await campaign_progress(pool, campaign_id)
    report.note(
        f"campaign to {CAMPAIGN_RECIPIENTS}: {victim.name} SIGKILLed {time.monotonic() - began:.1f} s in "
        f"({progress['status']}, {progress['recipients']} recipients so far, {progress['delivered']} "
        "delivered); the other worker carried on, a new one started 2 s later"
    )
    killed = 1
    await asyncio.sleep(2)
    await asyncio.to_thread(stack.replace_worker, 0)

    expiring = await insert_expiring_payments(world)
    due_at = time.monotonic()
    killed_at = None
    if await expiry_transaction_open(pool, 45):
        for worker in stack.workers:
            await asyncio.to_thread(worker.kill)
        killed += len(stack.workers)
        killed_at = time.monotonic()
        await asyncio.sleep(0.5)  # PostgreSQL sees the sockets close and rolls the transaction back
        committed = await pool.fetchval(
            "SELECT count(*) FROM payments WHERE id = ANY($1::uuid[]) AND state = 'expired'", expiring
        )
        progress = await campaign_progress(pool, campaign_id)
        report.note(
            f"{len(expiring)} payments past expiry: both workers SIGKILLed {killed_at - due_at:.1f} s later, "
            f"the expiry job's transaction open ({committed} expiries committed; the campaign "
            f"{progress['status']}, {progress['delivered']} delivered); two new workers started"
        )
        for index in range(len(stack.workers)):
            await asyncio.to_thread(stack.replace_worker, index)
    else:
        report.check(
            "both workers killed mid-expiry", False, "the expiry job's transaction was never seen open"
        )
    left = len(expiring)
    while time.monotonic() - due_at < 240:
        progress = await campaign_progress(pool, campaign_id)
        left = await pool.fetchval(
            "SELECT count(*) FROM payments WHERE id = ANY($1::uuid[]) AND state <> 'expired'", expiring
        )
        if progress["status"] == "expanded" and progress["unfinished"] == 0 and left == 0:
            break
        await asyncio.sleep(1)
    if killed_at is not None and left == 0:
        report.note(
            f"expiry ran again {time.monotonic() - killed_at:.0f} s after the kill: SAQ keeps the killed "
            "run's "
            "unique cron job 'active' until its 60 s time-out has passed and a sweep (at most once a minute) "
            "aborts it"
        )
    await check_campaign(world, campaign_id, devices, set(stale), killed)
    events = await pairs(
        pool,
        """
        SELECT expiries, count(*) FROM (
            SELECT count(*) FILTER (WHERE to_state = 'expired') AS expiries FROM payment_events
            WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id) AS per_payment
        GROUP BY expiries
        """,
        expiring,
    )
    states = await pairs(
        pool, "SELECT state, count(*) FROM payments WHERE id = ANY($1::uuid[]) GROUP BY state", expiring
    )
    report.check(
        "every payment expired, with exactly one expiry event",
        states == {"expired": len(expiring)} and events == {1: len(expiring)},
        f"{len(expiring)} payments: by state {states}; by number of expiry events {events}",
    )
    await drain(world, _nothing_else)
    await check_invariants(world)


async def check_campaign(
    world: World, campaign_id: str, devices: list[str], stale: set[str], killed: int
) -> None:
    report, stack, pool = world.report, world.stack, world.pool
    progress = await campaign_progress(pool, campaign_id)
    not_once = await pool.fetchval(
        "SELECT count(*) FROM (SELECT 1 FROM notifications WHERE campaign_id = $1::uuid "
        "GROUP BY citizen_id HAVING count(*) <> 1) AS odd",
        campaign_id,
    )
    statuses = await pairs(
        pool,
        "SELECT status, count(*) FROM notifications WHERE campaign_id = $1::uuid GROUP BY status",
        campaign_id,
    )
    report.check(
        "every recipient's message reached a final state, once per citizen",
        (progress["status"], progress["recipients"], progress["unfinished"], not_once)
        == ("expanded", CAMPAIGN_RECIPIENTS, 0, 0),
        f"{CAMPAIGN_RECIPIENTS} followers: campaign {progress['status']}, {progress['recipients']} "
        "recipients, "
        f"messages by status {statuses}; {not_once} citizens without exactly one",
    )
    attempts = await pool.fetchrow(
        """
        SELECT count(*) AS deliveries, count(*) FILTER (WHERE accepted = 1) AS once,
               count(*) FILTER (WHERE accepted > 1) AS twice, coalesce(sum(tries), 0) AS tries
        FROM (SELECT d.id, count(a.id) AS tries, count(a.id) FILTER (WHERE a.outcome = 'delivered')
                     AS accepted
              FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
              LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
              WHERE n.campaign_id = $1::uuid GROUP BY d.id) AS per_delivery
        """,
        campaign_id,
    )
    assert attempts is not None
    report.check(
        "one delivery per device, recorded as accepted once (all but the stale devices')",
        attempts["deliveries"] == CAMPAIGN_RECIPIENTS
        and attempts["once"] == CAMPAIGN_RECIPIENTS - len(stale)
        and attempts["twice"] == 0,
        f"{attempts['deliveries']} deliveries, {attempts['once']} accepted once, {attempts['twice']} more "
        f"than once, {attempts['tries']} attempt rows",
    )
    await check_stale_devices(world, campaign_id, stale, killed)
    notification_of = await pairs(
        pool,
        """
        SELECT s.endpoint, n.id::text FROM notifications n
        JOIN notification_deliveries d ON d.notification_id = n.id
        JOIN push_subscriptions s ON s.id = d.subscription_id
        WHERE n.campaign_id = $1::uuid
        """,
        campaign_id,
    )
    live = [device for device in devices if device not in stale]
    counts = await gather_limited(32, [partial(world.push_messages, device) for device in live])
    per_device = [
        received[notification_of.get(f"{stack.push_url}/push/{device}", "")]
        for device, received in zip(live, counts, strict=True)
    ]
    extra = sum(per_device) - len(per_device) + per_device.count(0)
    concurrency = int(stack.env.get("WORKER_CONCURRENCY", "10"))
    bound = killed * concurrency * DELIVERY_BATCH
    report.check(
        "every device got the push; more than once only for batches in flight at a kill",
        per_device.count(0) == 0 and extra <= bound,
        f"{len(per_device) - per_device.count(0)} of {len(live)} live devices reached, "
        f"{sum(1 for n in per_device if n > 1)} more than once ({extra} extra pushes; at most {bound} = "
        f"{killed} workers killed x {concurrency} jobs x {DELIVERY_BATCH} per batch; a push carries the "
        "message id as its Topic, so a push service replaces rather than repeats it)",
    )


async def check_stale_devices(world: World, campaign_id: str, stale: set[str], killed: int) -> None:
    """A device its push service calls gone (410) is removed at its first push, and its message ends as a
    permanent failure; asked again only when a kill repeated its batch."""
    endpoints = [f"{world.stack.push_url}/push/{device}" for device in stale]
    kept = await world.pool.fetchval(
        "SELECT count(*) FROM push_subscriptions WHERE endpoint = ANY($1::text[])", endpoints
    )
    found = await world.pool.fetchrow(
        """
        SELECT count(*) FILTER (WHERE gone_told > 0) AS told, count(*) FILTER (WHERE gone_told > 1) AS again,
               count(*) FILTER (WHERE status = 'permanent-failure') AS failed
        FROM (SELECT n.id, n.status, count(a.id) FILTER (WHERE a.status_code = 410) AS gone_told
              FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
              LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
              WHERE n.campaign_id = $1::uuid GROUP BY n.id, n.status) AS per_message
        """,
        campaign_id,
    )
    assert found is not None
    bound = killed * int(world.stack.env.get("WORKER_CONCURRENCY", "10")) * DELIVERY_BATCH
    world.report.check(
        "stale devices removed at their first push, their messages permanent failures",
        kept == 0 and found["told"] == found["failed"] == len(stale) and found["again"] <= bound,
        f"{len(stale)} of {CAMPAIGN_RECIPIENTS} devices answered 410: {kept} still registered, "
        f"{found['told']} messages told gone, {found['failed']} permanent failures, {found['again']} told "
        f"gone more than once (at most {bound}, batches in flight at a kill)",
    )


async def _nothing_else() -> bool:
    return True
