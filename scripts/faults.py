"""Faults: break the running app on purpose and check what the design promises (``make faults``).

Runs two API processes and two workers (``citizen serve`` / ``citizen worker``) against a PostgreSQL and
a Redis of its own (``scripts/faults_stack.py``), then, one scenario at a time:

1. redis: Redis killed (every session and queue entry lost) and started again under load;
2. postgres: PostgreSQL stopped immediately (as in a crash) and started again under load;
3. worker-kill: a worker SIGKILLed during a campaign to thousands of devices, both during payment expiry;
4. agencies: the demo agencies' connectors slow, failing, answering garbage, the wrong shape, or dripping;
5. bank-callbacks: each bank callback sent three times, out of order, all at once.

Each check is printed with its numbers (PASS/FAIL); the exit status is 1 if any failed. The processes'
logs are kept in ``var/faults/``. ``--only redis,agencies`` runs some of the scenarios.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import random
import signal
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from types import FrameType
from typing import Any

import httpx
import redis.asyncio

from backend.core.db import Pool
from backend.demo.people import DEMO_PEOPLE, DemoPerson
from backend.demo.seed import DEMO_CONNECTORS
from notifications.service import DELIVERY_BATCH, FINAL_STATUSES
from scripts.faults_stack import (
    BANK,
    LOG_DIR,
    WATER_BILLER,
    AgencySystem,
    Browser,
    Recorder,
    Sample,
    Stack,
    demo_clients,
    gather_limited,
    new_key,
)
from tests.campaign_data import seed_followers_with_devices

LOAD_BEFORE_SECONDS = 6.0
DOWN_SECONDS = 4.0
LOAD_AFTER_SECONDS = 20.0
RECOVERY_LIMIT_SECONDS = 15.0
"""Once the server is back, every kind of request must succeed again within this."""
FAIL_FAST_SECONDS = 2.0
"""While a server is away, a request must be refused within this, not hang."""
DRAIN_SECONDS = 120.0
"""How long background work (pushes, webhooks, swept tasks) may take to catch up afterwards."""
CAMPAIGN_RECIPIENTS = 3000
STALE_EVERY = 20  # one device in 20 is stale (5%)
EXPIRING_PAYMENTS = 1000  # the expiry job takes up to 1,000 a run, in one transaction
CALLBACK_PAYMENTS = 40
DEADLINE_TOLERANCE_SECONDS = 0.5
"""Allowed beyond the entitlements deadline: recording the calls, and HTTP itself, on two shared cores."""
HELPER_KINDS = frozenset({"login", "agency-token", "retry", "setup"})
"""Requests made on the way to others (logging in again, a new token) or after the load."""
READS = (
    ("me", "/api/v1/me"),
    ("tiles", "/api/v1/tiles"),
    ("inbox", "/api/v1/inbox"),
    ("bills", "/api/v1/bills"),
    ("entitlements", "/api/v1/entitlements"),
)
TEMPLATE = {
    "key": "faults-notice",
    "category": "welfare",  # one of notifications.schemas.TemplateCategory
    "title_th": "แจ้ง {what}",
    "title_en": "Notice: {what}",
    "body_th": "รายละเอียด {what}",
    "body_en": "Details of {what}",
}


# --- reporting -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    scenario: str
    name: str
    passed: bool
    detail: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    scenario: str = ""

    def section(self, title: str) -> None:
        self.scenario = title
        print(f"\n== {title} ==", flush=True)

    def note(self, text: str) -> None:
        print(f"        {text}", flush=True)

    def check(self, name: str, passed: bool, detail: str) -> bool:
        self.checks.append(Check(self.scenario, name, passed, detail))
        print(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}", flush=True)
        return passed


# --- the world the scenarios act in ----------------------------------------------------------------


@dataclass
class Citizen:
    person: DemoPerson
    browser: Browser
    device_id: str


@dataclass
class Intent:
    """Something a client asked for; ``id`` once the API acknowledged it."""

    key: str
    body: dict[str, Any]
    citizen: Citizen
    id: str | None = None
    retried: bool = False
    written_before: bool = False
    """The retry found it written already: the first answer was lost, not the write."""


@dataclass
class Ledger:
    bills: list[Intent] = field(default_factory=list)
    payments: list[Intent] = field(default_factory=list)
    callbacks: list[Intent] = field(default_factory=list)
    """Keyed by callback id; ``id`` is the outcome (``paid``...) once the bank had an answer."""
    notifications: list[Intent] = field(default_factory=list)


@dataclass
class World:
    stack: Stack
    report: Report
    recorder: Recorder
    pool: Pool
    redis: redis.asyncio.Redis
    water: AgencySystem
    """Issues the bills and sends single messages."""
    welfare: AgencySystem
    """Sends the campaign."""
    citizens: list[Citizen]

    async def push_messages(self, device_id: str) -> collections.Counter[str]:
        """How many times the device received each notification (by its id)."""
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.get(f"{self.stack.push_url}/devices/{device_id}/messages")
        counts: collections.Counter[str] = collections.Counter()
        for message in response.json():
            counts[str(json.loads(message["payload"]).get("id"))] += 1
        return counts

    async def send_callback(self, body: bytes, api: int, at: float | None = None) -> httpx.Response | None:
        return await self.recorder.request(
            self.water.client, "bank-callback", api, "POST",
            f"{self.stack.api_urls[api]}/api/v1/payments/callbacks/{BANK}", content=body,
            headers={"X-Signature": self.stack.sign(body, at), "Content-Type": "application/json"},
        )  # fmt: skip


async def build_world(stack: Stack, report: Report) -> World:
    """The demo agencies' webhook and a template; each demo citizen logged in with a device."""
    recorder = Recorder()
    clients = demo_clients(stack)
    water = AgencySystem(recorder, stack, *clients["demo-water"])
    welfare = AgencySystem(recorder, stack, *clients["demo-welfare"])
    for agency in (water, welfare):
        base = f"/api/v1/agency/{agency.agency_id}"
        hook = await agency.call("setup", 0, "PUT", f"{base}/webhook", json={"url": stack.receiver.url})
        template = await agency.call("setup", 0, "POST", f"{base}/notification-templates", json=TEMPLATE)
        if hook is None or hook.status_code != 200 or template is None or template.status_code != 201:
            raise RuntimeError("could not set up the demo agencies' webhook and template")
    citizens = []
    async with httpx.AsyncClient(timeout=30) as client:
        for person in (p for p in DEMO_PEOPLE if p.role is None):
            browser = Browser(recorder, stack, person.key)
            if not await browser.login(0):
                raise RuntimeError(f"could not log in as {person.key}")
            device = (await client.post(f"{stack.push_url}/devices")).json()
            subscription = {"endpoint": device["endpoint"], "keys": device["keys"]}
            subscribed = await browser.call(
                "setup", 0, "POST", "/api/v1/push/subscriptions", json=subscription
            )
            if subscribed is None or subscribed.status_code != 201:
                raise RuntimeError(f"could not register a device for {person.key}")
            citizens.append(Citizen(person, browser, device["device_id"]))
    return World(
        stack=stack, report=report, recorder=recorder, pool=await stack.pool(),
        redis=redis.asyncio.from_url(stack.redis.url), water=water, welfare=welfare, citizens=citizens,
    )  # fmt: skip


async def pairs(pool: Pool, sql: str, *args: Any) -> dict[Any, Any]:
    """A two-column query as a dict."""
    return {row[0]: row[1] for row in await pool.fetch(sql, *args)}


# --- load: citizens, an agency and a bank at once --------------------------------------------------


def bill_body(citizen: Citizen, key: str, amount: int) -> dict[str, Any]:
    return {
        "national_id": citizen.person.national_id,
        "amount_satang": amount,
        "due_date": (dt.date.today() + dt.timedelta(days=14)).isoformat(),
        "biller_id": WATER_BILLER,
        "ref1": uuid.uuid4().hex[:16].upper(),
        "description_th": "ค่าน้ำ (ทดสอบความทนทาน)",
        "description_en": "Water (fault test)",
        "idempotency_key": key,
    }


def callback_body(bill: dict[str, Any], paid_at: dt.datetime) -> bytes:
    return json.dumps({
        "callback_id": new_key("cb"), "biller_id": bill["biller_id"], "ref1": bill["ref1"],
        "ref2": bill.get("ref2"), "amount_satang": bill["amount_satang"], "paid_at": paid_at.isoformat(),
        "bank_reference": "FT-FAULTS",
    }).encode()  # fmt: skip


async def journey(world: World, citizen: Citizen, ledger: Ledger, stop: asyncio.Event, seed: int) -> None:
    """One citizen's loop: a bill issued to them, paid by QR, the bank's callback, a message from the
    agency, then the screens they look at; the steps alternate between the two replicas."""
    step = seed
    while not stop.is_set():
        step += 1
        api, other = step % 2, 1 - step % 2
        key = new_key("bill")
        bill = Intent(key, bill_body(citizen, key, 100 + step % 900), citizen)
        ledger.bills.append(bill)
        issued = await world.water.call("issue-bill", api, "POST", "/api/v1/agency/bills", json=bill.body)
        if issued is not None and issued.status_code == 201:
            bill.id = issued.json()["id"]
            payment = Intent(new_key("pay"), {}, citizen)
            ledger.payments.append(payment)
            started = await citizen.browser.call(
                "start-payment", other, "POST", f"/api/v1/bills/{bill.id}/payments",
                json={"idempotency_key": payment.key},
            )  # fmt: skip
            if started is not None and started.status_code == 201:
                payment.id = started.json()["id"]
                raw = callback_body(issued.json(), dt.datetime.now(dt.UTC))
                callback = Intent(
                    json.loads(raw)["callback_id"], {"raw": raw, "payment_id": payment.id}, citizen
                )
                ledger.callbacks.append(callback)
                paid = await world.send_callback(raw, api)
                if paid is not None and paid.status_code == 200:
                    callback.id = paid.json()["outcome"]
        notice = Intent(new_key("msg"), {}, citizen)
        notice.body = {
            "national_id": citizen.person.national_id, "template": TEMPLATE["key"],
            "params": {"what": f"step {step}"}, "idempotency_key": notice.key,
        }  # fmt: skip
        ledger.notifications.append(notice)
        sent = await world.water.call(
            "send-message", other, "POST", "/api/v1/agency/notifications", json=notice.body
        )
        if sent is not None and sent.status_code in (200, 201):
            notice.id = sent.json()["id"]
        for kind, path in READS:
            await citizen.browser.call(kind, api, "GET", path)
        if sent is None or sent.status_code >= 500:
            await asyncio.sleep(0.2)  # backing off while it is down, as a client would: not a busy loop


async def retry_unanswered(world: World, ledger: Ledger) -> dict[str, int]:
    """What clients do once the service is back: send again what got no answer, with the same
    idempotency key or callback id. Returns how many were sent again, per kind."""
    retried = collections.Counter[str]()

    async def again(kind: str, intent: Intent, send: Callable[[], Awaitable[httpx.Response | None]]) -> None:
        response = await send()
        intent.retried = True
        retried[kind] += 1
        if response is not None and response.status_code in (200, 201):
            answer = response.json()
            if kind == "callback":
                intent.id = answer["outcome"]
                intent.written_before = answer["status"] == "already_processed"
            else:
                intent.id = answer["id"]
                intent.written_before = response.status_code == 200  # 201 would be "created now"

    call = world.water.call
    jobs: list[Callable[[], Awaitable[None]]] = [
        *(partial(again, "bill", b, partial(call, "retry", 0, "POST", "/api/v1/agency/bills", json=b.body))
          for b in ledger.bills if b.id is None),
        *(partial(again, "notification", n,
                  partial(call, "retry", 0, "POST", "/api/v1/agency/notifications", json=n.body))
          for n in ledger.notifications if n.id is None),
        *(partial(again, "callback", c, partial(world.send_callback, c.body["raw"], 0))
          for c in ledger.callbacks if c.id is None),
    ]  # fmt: skip
    await gather_limited(8, jobs)
    return dict(retried)


# --- measurements ------------------------------------------------------------------------------------


def answered_as_expected(sample: Sample) -> bool:
    return sample.ok or (sample.kind == "login" and sample.status in (302, 303))


def failures(samples: Iterable[Sample]) -> list[Sample]:
    """Requests that did not get what they asked for; a 401 only means the session must be renewed."""
    return [s for s in samples if not answered_as_expected(s) and s.status != 401]


def describe_statuses(samples: list[Sample]) -> str:
    counts = collections.Counter("no answer" if s.status == 0 else str(s.status) for s in samples)
    return ", ".join(f"{n} x {status}" for status, n in counts.most_common()) or "none"


def describe_kinds(samples: list[Sample]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in collections.Counter(s.kind for s in samples).most_common(5))


@dataclass(frozen=True)
class Window:
    fault_at: float
    back_at: float
    """When the server answered again (the restart had returned)."""
    load_end: float


def check_outage(world: World, window: Window, label: str) -> None:
    report, back = world.report, window.back_at
    during = [s for s in world.recorder.samples if s.end >= window.fault_at and s.start <= window.load_end]
    failed = failures(during)
    not_503 = [s for s in failed if not (s.status == 503 and s.problem)]
    report.check(
        f"requests failed only as 503 problem+json while {label} was away",
        not not_503,
        f"{len(during)} requests from the fault on, {len(failed)} failed: {describe_statuses(failed)}"
        + (
            f"; not 503 problem+json: {describe_statuses(not_503)} ({describe_kinds(not_503)})"
            if not_503
            else ""
        ),
    )
    slowest = max(failed, key=lambda s: s.seconds, default=None)
    report.check(
        "failed fast",
        slowest is None or slowest.seconds <= FAIL_FAST_SECONDS,
        "no failures" if slowest is None else
        f"slowest failure {slowest.seconds * 1000:.0f} ms ({slowest.kind}, {slowest.status or 'no answer'}), "
        f"limit {FAIL_FAST_SECONDS * 1000:.0f} ms; slowest request of any outcome "
        f"{max(s.seconds for s in during) * 1000:.0f} ms",
    )  # fmt: skip
    # N: from the server answering again until every kind of request has succeeded again, none failing.
    first_ok: dict[str, float | None] = {
        kind: min((s.end for s in during if s.kind == kind and s.ok and s.start >= back), default=None)
        for kind in sorted({s.kind for s in during} - HELPER_KINDS)
    }
    never = [kind for kind, at in first_ok.items() if at is None]
    serving = max((at for at in first_ok.values() if at is not None), default=back) - back
    last_failure = max((s.end for s in failed if s.end > back), default=back) - back
    recovered_in = max(serving, last_failure)
    last_kind = max(first_ok, key=lambda kind: first_ok[kind] or 0.0, default="")
    report.check(
        "recovered by itself (no process restarted)",
        recovered_in <= RECOVERY_LIMIT_SECONDS and not never,
        f"N = {recovered_in:.1f} s after {label} answered again (down {back - window.fault_at:.1f} s): each "
        f"of {len(first_ok)} kinds of request succeeded again within {serving:.1f} s (last: {last_kind}), "
        f"last failure {last_failure:.1f} s after; limit {RECOVERY_LIMIT_SECONDS:.0f} s"
        + (f"; never succeeded again: {', '.join(never)}" if never else ""),
    )


def check_processes(world: World, pids: list[int]) -> None:
    children = [*world.stack.apis, *world.stack.workers]
    alive = [child.name for child in children if child.alive()]
    same = [child.pid for child in children] == pids
    world.report.check(
        "API and worker processes kept running",
        len(alive) == len(children) and same,
        f"{len(alive)} of {len(children)} alive ({', '.join(alive)}), "
        + ("none restarted" if same else "some were replaced"),
    )


# --- what the database promises ------------------------------------------------------------------------

INVARIANTS = (
    ("payments without exactly one 'created' and one 'pending' event", """
        SELECT count(*) FROM payments p
        WHERE (SELECT count(*) FROM payment_events e WHERE e.payment_id = p.id AND e.to_state = 'created')
              <> 1
           OR (SELECT count(*) FROM payment_events e WHERE e.payment_id = p.id AND e.to_state = 'pending')
              <> 1
    """),
    ("finished payments without exactly one event into their state", """
        SELECT count(*) FROM payments p WHERE p.state IN ('success', 'failed', 'expired', 'cancelled')
          AND (SELECT count(*) FROM payment_events e WHERE e.payment_id = p.id AND e.to_state = p.state) <> 1
    """),
    ("successful payments without exactly one receipt", """
        SELECT count(*) FROM payments p WHERE p.state = 'success'
          AND (SELECT count(*) FROM receipts r WHERE r.payment_id = p.id) <> 1
    """),
    ("receipts for payments that did not succeed", """
        SELECT count(*) FROM receipts r JOIN payments p ON p.id = r.payment_id WHERE p.state <> 'success'
    """),
    ("bills paid without a successful payment, or the reverse", """
        SELECT count(*) FROM bills b WHERE (b.status = 'paid')
            <> EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = b.id AND p.state = 'success')
    """),
    ("successful payments without the bank callback that paid them", """
        SELECT count(*) FROM payments p WHERE p.state = 'success'
          -- the demo seed's paid bill is history: paid before the platform heard any callback
          AND p.bill_id NOT IN (SELECT id FROM bills WHERE issued_by_client = 'demo data')
          AND NOT EXISTS (SELECT 1 FROM bank_callbacks c WHERE c.payment_id = p.id AND c.outcome = 'paid')
    """),
    ("bank callbacks that paid without a successful payment", """
        SELECT count(*) FROM bank_callbacks c LEFT JOIN payments p ON p.id = c.payment_id
        WHERE c.outcome = 'paid' AND p.state IS DISTINCT FROM 'success'
    """),
    ("successful payments without their webhook task or the citizen's receipt message", """
        SELECT count(*) FROM payments p WHERE p.state = 'success'
          AND p.bill_id NOT IN (SELECT id FROM bills WHERE issued_by_client = 'demo data') AND (
            NOT EXISTS (SELECT 1 FROM task_outbox t
                        WHERE t.task = 'payments.agency_webhook' AND t.payload->>'payment_id' = p.id::text)
            OR NOT EXISTS (SELECT 1 FROM notifications n
                           WHERE n.idempotency_key = 'payment-receipt:' || p.id))
    """),
    ("messages routed to devices without a delivery", """
        SELECT count(*) FROM notifications n
        WHERE n.status IN ('sending', 'delivered', 'temporary-failure', 'technical-failure')
          AND NOT EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id)
    """),
    ("deliveries without the task that pushes them", """
        SELECT count(*) FROM notification_deliveries d WHERE d.id NOT IN (
            SELECT jsonb_array_elements_text(payload->'delivery_ids')::bigint FROM task_outbox
            WHERE task = 'notifications.deliver')
    """),
    ("messages with more than one delivery to a device", """
        SELECT count(*) FROM (SELECT 1 FROM notification_deliveries WHERE subscription_id IS NOT NULL
                              GROUP BY notification_id, subscription_id HAVING count(*) > 1) AS twice
    """),
    ("deliveries recorded as accepted more than once", """
        SELECT count(*) FROM (SELECT 1 FROM delivery_attempts WHERE outcome = 'delivered'
                              GROUP BY delivery_id HAVING count(*) > 1) AS twice
    """),
    ("delivered deliveries without an accepted attempt", """
        SELECT count(*) FROM notification_deliveries d WHERE d.status = 'delivered'
          AND NOT EXISTS (SELECT 1 FROM delivery_attempts a
                          WHERE a.delivery_id = d.id AND a.outcome = 'delivered')
    """),
    ("a campaign's message in one inbox twice", """
        SELECT count(*) FROM (SELECT 1 FROM notifications WHERE campaign_id IS NOT NULL
                              GROUP BY campaign_id, citizen_id HAVING count(*) > 1) AS twice
    """),
    ("campaigns whose recipient count is not their number of messages", """
        SELECT count(*) FROM notification_campaigns c
        WHERE c.recipients <> (SELECT count(*) FROM notifications n WHERE n.campaign_id = c.id)
    """),
    ("tasks that failed for good", "SELECT count(*) FROM task_outbox WHERE state = 'failed'"),
)  # fmt: skip


async def check_invariants(world: World) -> None:
    broken = []
    for description, sql in INVARIANTS:
        if count := await world.pool.fetchval(sql):
            broken.append(f"{count} {description}")
    world.report.check(
        "nothing half-written (database invariants)",
        not broken,
        "; ".join(broken) if broken else f"all {len(INVARIANTS)} hold",
    )


async def pending_tasks(pool: Pool) -> dict[str, int]:
    return await pairs(pool, "SELECT task, count(*) FROM task_outbox WHERE state = 'pending' GROUP BY task")


async def drain(world: World, done: Callable[[], Awaitable[bool]]) -> float:
    """Wait for the workers to finish (``done``, and no task pending); returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < DRAIN_SECONDS:
        if not await pending_tasks(world.pool) and await done():
            break
        await asyncio.sleep(1)
    return time.monotonic() - started


async def _nothing_else() -> bool:
    return True


async def check_ledger(world: World, ledger: Ledger) -> None:
    """Nothing acknowledged is lost, what was sent again exists once, and every payment and message got
    to its end: the citizen's device, the agency's webhook, the receipt."""
    report, pool = world.report, world.pool
    bills = [b for b in ledger.bills if b.id is not None]
    found = await pool.fetchval(
        "SELECT count(*) FROM bills WHERE id = ANY($1::uuid[])", [b.id for b in bills]
    )
    by_key = await pool.fetchval(
        "SELECT count(*) FROM bills WHERE idempotency_key = ANY($1::text[])", [b.key for b in ledger.bills]
    )
    report.check(
        "no bill lost",
        found == by_key == len(bills),
        f"{len(ledger.bills)} issued, {len(bills)} acknowledged (incl. {sum(b.retried for b in bills)} sent "
        f"again after the fault, {sum(b.written_before for b in bills)} of them written the first time), "
        f"{found} in PostgreSQL, {by_key} by idempotency key",
    )
    payments = [p for p in ledger.payments if p.id is not None]
    state = {
        row["id"]: row
        for row in await pool.fetch(
            """
            SELECT p.id::text, p.state,
                   (SELECT count(*) FROM payment_events e
                    WHERE e.payment_id = p.id AND e.to_state = 'success') AS successes,
                   (SELECT count(*) FROM receipts r WHERE r.payment_id = p.id) AS receipts
            FROM payments p WHERE p.id = ANY($1::uuid[])
            """,
            [p.id for p in payments],
        )
    }
    paid = [c for c in ledger.callbacks if c.id == "paid"]
    other_outcomes = collections.Counter(str(c.id) for c in ledger.callbacks if c.id != "paid")
    paid_ids = [c.body["payment_id"] for c in paid]
    right = {
        pid
        for pid, row in state.items()
        if (row["state"], row["successes"], row["receipts"]) == ("success", 1, 1)
    }
    wrong = [pid for pid in paid_ids if pid not in right]
    report.check(
        "no payment lost or paid twice",
        len(state) == len(payments) and not wrong and not other_outcomes,
        f"{len(payments)} payments started, {len(state)} in PostgreSQL; {len(ledger.callbacks)} bank "
        f"callbacks, {len(paid)} answered paid (incl. {sum(c.retried for c in paid)} sent again after the "
        f"fault, {sum(c.written_before for c in paid)} of them processed the first time); {len(wrong)} "
        "payments without exactly one success event and one receipt"
        + (f"; other outcomes: {dict(other_outcomes)}" if other_outcomes else ""),
    )
    hooks = [world.stack.receiver.count(f"payment.succeeded:{pid}") for pid in paid_ids]
    report.check(
        "the agency heard of every payment",
        0 not in hooks,
        f"{len(paid_ids)} paid: {hooks.count(1)} webhooks once, {sum(1 for n in hooks if n > 1)} more than "
        f"once (at-least-once by design, same X-Event-ID), {hooks.count(0)} never",
    )
    notices = [n for n in ledger.notifications if n.id is not None]
    receipts = await pool.fetch(
        "SELECT id::text, citizen_id::text FROM notifications WHERE idempotency_key = ANY($1::text[])",
        [f"payment-receipt:{pid}" for pid in paid_ids],
    )
    device_of = {c.browser.citizen_id: c.device_id for c in world.citizens}
    expected = {n.id: n.citizen.device_id for n in notices if n.id} | {
        row["id"]: device_of[row["citizen_id"]] for row in receipts
    }
    statuses = await pairs(
        pool, "SELECT id::text, status FROM notifications WHERE id = ANY($1::uuid[])", list(expected)
    )
    received = {c.device_id: await world.push_messages(c.device_id) for c in world.citizens}
    pushes = [received[device][nid] for nid, device in expected.items()]
    delivered = sum(1 for nid in expected if statuses.get(nid) == "delivered")
    report.check(
        "no message lost",
        len(statuses) == delivered == len(expected) and 0 not in pushes,
        f"{len(ledger.notifications)} sent by the agency, {len(notices)} acknowledged (incl. "
        f"{sum(n.retried for n in notices)} sent again, {sum(n.written_before for n in notices)} of them "
        f"written the first time), plus {len(receipts)} payment receipts: {len(statuses)} in inboxes, "
        f"{delivered} delivered, {len(pushes) - pushes.count(0)} reached the device "
        f"({sum(1 for p in pushes if p > 1)} more than once), {pushes.count(0)} never",
    )


async def wait_for_ledger(world: World, ledger: Ledger) -> float:
    paid_ids = [c.body["payment_id"] for c in ledger.callbacks if c.id == "paid"]
    notices = [n.id for n in ledger.notifications if n.id is not None]

    async def done() -> bool:
        unfinished = await world.pool.fetchval(
            """
            SELECT count(*) FROM notifications
            WHERE (id = ANY($1::uuid[]) OR idempotency_key = ANY($2::text[])) AND status <> ALL($3::text[])
            """,
            notices, [f"payment-receipt:{pid}" for pid in paid_ids], list(FINAL_STATUSES),
        )  # fmt: skip
        return unfinished == 0 and all(world.stack.receiver.count(f"payment.succeeded:{p}") for p in paid_ids)

    return await drain(world, done)


# --- 1 and 2: a server restarted under load ----------------------------------------------------------


async def under_load(
    world: World, label: str, take_down: Callable[[], None], bring_back: Callable[[], None]
) -> tuple[Ledger, Window]:
    """Every citizen's journey on both replicas; the server taken down a few seconds in, brought back
    DOWN_SECONDS later, and the load kept up for LOAD_AFTER_SECONDS more."""
    world.recorder.restart()
    ledger, stop = Ledger(), asyncio.Event()
    loops = [asyncio.create_task(journey(world, c, ledger, stop, i)) for i, c in enumerate(world.citizens)]
    try:
        await asyncio.sleep(LOAD_BEFORE_SECONDS)
        fault_at = world.recorder.now()
        await asyncio.to_thread(take_down)
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(bring_back)
        back_at = world.recorder.now()
        world.report.note(
            f"{label} down at {fault_at:.1f} s into the load, answering again at {back_at:.1f} s"
        )
        await asyncio.sleep(LOAD_AFTER_SECONDS)
        stop.set()
        await asyncio.gather(*loops)
    finally:
        for loop in loops:
            loop.cancel()  # when interrupted; a no-op once they have ended
    return ledger, Window(fault_at, back_at, world.recorder.now())


async def restart_under_load(
    world: World, label: str, take_down: Callable[[], None], bring_back: Callable[[], None]
) -> None:
    stack = world.stack
    pids = [child.pid for child in [*stack.apis, *stack.workers]]
    ledger, window = await under_load(world, label, take_down, bring_back)
    samples = world.recorder.samples
    world.report.note(
        f"{len(samples)} requests in {window.load_end:.0f} s from {len(world.citizens)} citizens, an agency "
        f"and a bank on 2 replicas: {describe_statuses(samples)}"
    )
    check_processes(world, pids)
    check_outage(world, window, label)
    retried = await retry_unanswered(world, ledger)
    took = await wait_for_ledger(world, ledger)
    world.report.note(
        f"sent again after the fault, as clients would: {retried or 'nothing'}; background work caught up "
        f"{took:.0f} s later, pending tasks: {await pending_tasks(world.pool) or 'none'}"
    )
    await check_ledger(world, ledger)
    await check_invariants(world)


async def redis_restarted(world: World) -> None:
    world.report.section(
        "1. Redis restarted during load (no persistence: every session and queue entry lost)"
    )
    await restart_under_load(world, "Redis", world.stack.redis.kill, world.stack.redis.start)
    world.report.note(f"sessions lost with Redis, renewed by logging in again: {world.recorder.relogins}")


async def postgres_restarted(world: World) -> None:
    world.report.section("2. PostgreSQL restarted during load (immediate shutdown, as in a crash)")
    postgres = world.stack.postgres
    await restart_under_load(world, "PostgreSQL", postgres.crash, postgres.start_again)


# --- 3: workers killed mid-work ------------------------------------------------------------------------


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


# --- 4: agencies misbehaving ---------------------------------------------------------------------------

OK: dict[str, Any] = {"mode": "ok"}
AGENCY_CASES: tuple[tuple[str, dict[str, Any], int | None], ...] = (
    # name, what every agency does, connectors' own time-out (None: as seeded, 1.5 s)
    ("all agencies ok", OK, None),
    ("slow (5 s)", {"mode": "slow", "delay_ms": 5000}, None),
    ("slow (12 s), connector time-outs at their 10 s maximum", {"mode": "slow", "delay_ms": 12000}, 10000),
    ("failing (500)", {"mode": "fail"}, None),
    ("garbage (HTML)", {"mode": "garbage"}, None),
    ("wrong_shape", {"mode": "wrong_shape"}, None),
    ("drip (a byte per 200 ms), time-outs 10 s", {"mode": "drip", "delay_ms": 200}, 10000),
)
SEEDED_TIMEOUT_MS = 1500
SERVICE_OF = {title_en: service for _, service, _, title_en, *_ in DEMO_CONNECTORS}
SERVICES = tuple(SERVICE_OF.values())
ROUNDS = 3


async def agency_case(
    world: World,
    control: httpx.AsyncClient,
    name: str,
    modes: dict[str, dict[str, Any]],
    timeout_ms: int | None,
) -> None:
    """Every citizen asks for their entitlements ROUNDS times (``refresh``: past the cache, to the
    agencies) while the agencies behave as ``modes`` says. The breakers start closed, so the first
    round reaches every agency; later rounds may meet a breaker it opened."""
    report, stack = world.report, world.stack
    deadline = int(stack.env.get("ENTITLEMENTS_DEADLINE_MS", "3000")) / 1000
    for service, body in modes.items():
        await control.post(f"{stack.agencies_url}/{service}/_control", json=body)
    await world.pool.execute(
        "UPDATE connectors SET timeout_ms = $1 WHERE name = ANY($2::text[])",
        timeout_ms or SEEDED_TIMEOUT_MS,
        SERVICES,
    )
    if breakers := [key async for key in world.redis.scan_iter(match="breaker:*")]:
        await world.redis.delete(*breakers)
    if timeout_ms is not None:
        await asyncio.sleep(5.5)  # each replica reads its connector list again every 5 s
    world.recorder.restart()
    pages: list[httpx.Response | None] = []
    for round_number in range(ROUNDS):
        pages += await asyncio.gather(*(
            c.browser.call("entitlements", (i + round_number) % 2, "GET", "/api/v1/entitlements",
                           params={"refresh": "true", "lang": "en"})
            for i, c in enumerate(world.citizens)
        ))  # fmt: skip
    samples = world.recorder.samples
    latencies = sorted(s.seconds for s in samples)
    states, passed_off = collections.Counter[str](), 0
    for page in pages:
        for agency in page.json()["agencies"] if page is not None and page.status_code == 200 else []:
            states[agency["state"] + (f" ({agency['reason']})" if agency["reason"] else "")] += 1
            misbehaving = modes[SERVICE_OF[agency["connector_title"]]]["mode"] != "ok"
            passed_off += misbehaving and agency["state"] == "fresh"
    report.check(
        f"{name}: entitlements answered within the deadline",
        all(s.status == 200 for s in samples) and latencies[-1] <= deadline + DEADLINE_TOLERANCE_SECONDS,
        f"{len(samples)} requests ({describe_statuses(samples)}), max {latencies[-1] * 1000:.0f} ms, median "
        f"{latencies[len(latencies) // 2] * 1000:.0f} ms; ENTITLEMENTS_DEADLINE_MS {deadline * 1000:.0f} "
        f"(+{DEADLINE_TOLERANCE_SECONDS * 1000:.0f} allowed)",
    )
    report.check(
        f"{name}: no misbehaving agency's answer shown as fresh",
        passed_off == 0,
        "agencies' results: " + ", ".join(f"{n} {state}" for state, n in states.most_common()),
    )


async def agencies_misbehave(world: World) -> None:
    world.report.section("4. Agency connectors slow, failing, or answering garbage")
    cases = [(name, dict.fromkeys(SERVICES, mode), timeout_ms) for name, mode, timeout_ms in AGENCY_CASES]
    faults = [mode for _, mode, _ in AGENCY_CASES[1:]]
    mixed = {service: faults[index % len(faults)] for index, service in enumerate(SERVICES)}
    cases.append(("each agency its own fault", mixed, None))
    async with httpx.AsyncClient(timeout=10) as control:
        try:
            for name, modes, timeout_ms in cases:
                await agency_case(world, control, name, modes, timeout_ms)
        finally:
            for service in SERVICES:
                await control.post(f"{world.stack.agencies_url}/{service}/_control", json=OK)
            await world.pool.execute(
                "UPDATE connectors SET timeout_ms = $1 WHERE name = ANY($2::text[])",
                SEEDED_TIMEOUT_MS,
                SERVICES,
            )


# --- 5: a bank repeating itself --------------------------------------------------------------------------


async def started_payments(world: World) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """CALLBACK_PAYMENTS bills issued by the agency and each being paid by its citizen: (bill, payment)."""
    started = []
    for index in range(CALLBACK_PAYMENTS):
        citizen, api, key = world.citizens[index % len(world.citizens)], index % 2, new_key("bill")
        issued = await world.water.call(
            "issue-bill", api, "POST", "/api/v1/agency/bills", json=bill_body(citizen, key, 5000 + index)
        )
        if issued is None or issued.status_code != 201:
            raise RuntimeError(f"issuing a bill: {issued.status_code if issued else 'no answer'}")
        shown = await citizen.browser.call(
            "start-payment", api, "POST", f"/api/v1/bills/{issued.json()['id']}/payments",
            json={"idempotency_key": new_key("pay")},
        )  # fmt: skip
        if shown is None or shown.status_code != 201:
            raise RuntimeError(f"starting a payment: {shown.status_code if shown else 'no answer'}")
        started.append((issued.json(), shown.json()))
    return started


async def bank_repeats_itself(world: World) -> None:
    report, stack, pool = world.report, world.stack, world.pool
    report.section("5. A bank sending each callback three times, out of order, concurrently")
    world.recorder.restart()
    started = await started_payments(world)
    # A quarter expire before their callbacks arrive (paid in time, told late): still exactly one success.
    late = [payment["id"] for _, payment in started[: len(started) // 4]]
    await pool.execute(
        "UPDATE payments SET expires_at = created_at + interval '1 second' WHERE id = ANY($1::uuid[])", late
    )
    began = time.monotonic()
    expired_sql = "SELECT count(*) FROM payments WHERE id = ANY($1::uuid[]) AND state = 'expired'"
    for _ in range(90):  # the expiry job runs every 30 s
        if await pool.fetchval(expired_sql, late) == len(late):
            break
        await asyncio.sleep(0.5)
    report.note(
        f"{await pool.fetchval(expired_sql, late)} of {len(started)} payments expired by the expiry job "
        f"before their callbacks came ({time.monotonic() - began:.0f} s)"
    )
    sends: list[tuple[str, bytes, float]] = []
    now = time.time()
    for bill, payment in started:
        raw = callback_body(
            bill, dt.datetime.fromisoformat(payment["created_at"]) + dt.timedelta(seconds=0.5)
        )
        # Three copies signed at different times, as a bank sending again after time-outs would.
        sends += [(payment["id"], raw, now - age) for age in (120, 45, 0)]
    random.shuffle(sends)
    answers = await asyncio.gather(*(
        world.send_callback(raw, index % 2, at) for index, (_, raw, at) in enumerate(sends)
    ))  # fmt: skip
    outcomes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for (payment_id, _, _), answer in zip(sends, answers, strict=True):
        if answer is None or answer.status_code != 200:
            outcomes[payment_id][f"http {answer.status_code if answer else 'none'}"] += 1
        else:
            outcomes[payment_id][f"{answer.json()['status']}/{answer.json()['outcome']}"] += 1
    expected = collections.Counter({"processed/paid": 1, "already_processed/paid": 2})
    report.check(
        "each callback processed once, its repeats answered already_processed",
        len(outcomes) == len(started) and all(counts == expected for counts in outcomes.values()),
        f"{len(sends)} callbacks for {len(started)} payments, sent at once in random order: "
        f"{dict(sum(outcomes.values(), collections.Counter()))}",
    )
    payment_ids = [payment["id"] for _, payment in started]

    async def all_heard() -> bool:
        return all(stack.receiver.count(f"payment.succeeded:{pid}") for pid in payment_ids)

    took = await drain(world, all_heard)
    row = await pool.fetchrow(
        """
        SELECT count(*) FILTER (WHERE p.state = 'success') AS succeeded,
               count(*) FILTER (WHERE (SELECT count(*) FROM payment_events e
                                       WHERE e.payment_id = p.id AND e.to_state = 'success') = 1)
                   AS one_event,
               count(*) FILTER (WHERE (SELECT count(*) FROM receipts r WHERE r.payment_id = p.id) = 1)
                   AS one_receipt,
               count(*) FILTER (WHERE (SELECT count(*) FROM bank_callbacks c WHERE c.payment_id = p.id) = 1)
                   AS one_callback,
               count(*) FILTER (WHERE (SELECT count(*) FROM webhook_deliveries w
                                       WHERE w.payment_id = p.id AND w.outcome = 'delivered') = 1)
                   AS one_webhook,
               count(*) FILTER (WHERE (SELECT count(*) FROM notifications n
                                       WHERE n.idempotency_key = 'payment-receipt:' || p.id) = 1)
                   AS one_message,
               (SELECT count(*) FROM payment_exceptions x WHERE x.payment_id = ANY($1::uuid[])) AS exceptions
        FROM payments p WHERE p.id = ANY($1::uuid[])
        """,
        payment_ids,
    )
    assert row is not None
    total = len(payment_ids)
    report.check(
        "exactly one success, one receipt, one receipt message per payment",
        row["succeeded"] == row["one_event"] == row["one_receipt"] == row["one_callback"] == total
        and row["one_message"] == total
        and row["exceptions"] == 0,
        f"of {total}: {row['succeeded']} successful, {row['one_event']} with one success event, "
        f"{row['one_receipt']} one receipt, {row['one_callback']} one stored callback, {row['one_message']} "
        f"one receipt message; {row['exceptions']} payment exceptions",
    )
    heard = [stack.receiver.count(f"payment.succeeded:{pid}") for pid in payment_ids]
    report.check(
        "exactly one agency webhook per payment",
        heard.count(1) == total and row["one_webhook"] == total,
        f"the agency received {sum(heard)} payment.succeeded events for {total} payments within {took:.0f} s "
        f"({heard.count(1)} once, {sum(1 for n in heard if n > 1)} more, {heard.count(0)} never); "
        f"{row['one_webhook']} recorded as delivered once",
    )
    await check_invariants(world)


# --- main ----------------------------------------------------------------------------------------------

SCENARIOS: dict[str, Callable[[World], Awaitable[None]]] = {
    "redis": redis_restarted,
    "postgres": postgres_restarted,
    "worker-kill": workers_killed,
    "agencies": agencies_misbehave,
    "bank-callbacks": bank_repeats_itself,
}


async def run(stack: Stack, report: Report, names: list[str]) -> None:
    main_task = asyncio.current_task()
    assert main_task is not None
    # SIGTERM as Ctrl-C: the scenario in progress is cancelled, then everything is stopped.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    await stack.receiver.start()
    world = await build_world(stack, report)
    try:
        for name in names:
            started = time.monotonic()
            try:
                await SCENARIOS[name](world)
            except Exception as exc:  # one scenario breaking down is a finding, not the end of the run
                report.check(f"{name} ran to the end", False, f"{type(exc).__name__}: {exc}")
            report.note(f"({time.monotonic() - started:.0f} s)")
    finally:
        for citizen in world.citizens:
            await citizen.browser.close()
        await world.water.close()
        await world.welfare.close()
        await world.pool.close()
        await world.redis.aclose()
        await stack.receiver.stop()


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM while starting up: the same clean-up as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make faults", description="Break the app on purpose; check it holds."
    )
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"comma separated, of: {', '.join(SCENARIOS)}"
    )
    names = [name.strip() for name in parser.parse_args(argv).only.split(",") if name.strip()]
    if unknown := [name for name in names if name not in SCENARIOS]:
        parser.error(f"unknown scenario: {', '.join(unknown)}")
    signal.signal(signal.SIGTERM, _interrupt)
    report, began = Report(), time.monotonic()
    stack = Stack()
    try:
        print(
            f"starting PostgreSQL, Redis, 2 APIs, 2 workers, demo agencies, a push service; logs: {LOG_DIR}",
            flush=True,
        )
        stack.start()
        print(f"ready in {time.monotonic() - began:.0f} s", flush=True)
        asyncio.run(run(stack, report, names))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\ninterrupted: stopping everything", flush=True)
        report.checks.append(Check("run", "finished", False, "interrupted"))
    except RuntimeError as exc:  # the stack could not start or be set up
        report.checks.append(Check("run", "set up", False, str(exc)))
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
    failed = [check for check in report.checks if not check.passed]
    print(
        f"\n== {len(report.checks)} checks, {len(report.checks) - len(failed)} passed, {len(failed)} failed "
        f"({(time.monotonic() - began) / 60:.1f} min) =="
    )
    for check in failed:
        print(f"  FAIL  [{check.scenario}] {check.name}: {check.detail}")
    return 1 if failed or not report.checks else 0


if __name__ == "__main__":
    sys.exit(main())
