"""Checks every scenario shares: how requests failed while a server was away, the database's
invariants, and nothing acknowledged lost (the ledger)."""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from backend.core.db import Pool
from notifications.service import FINAL_STATUSES
from scripts.faults.world import Ledger, World, pairs
from scripts.stack.clients import Sample

RECOVERY_LIMIT_SECONDS = 15.0
"""Once the server is back, every kind of request must succeed again within this."""
FAIL_FAST_SECONDS = 2.0
"""While a server is away, a request must be refused within this, not hang."""
DRAIN_SECONDS = 120.0
"""How long background work (pushes, webhooks, swept tasks) may take to catch up afterwards."""
HELPER_KINDS = frozenset({"login", "agency-token", "retry", "setup"})
"""Requests made on the way to others (logging in again, a new token) or after the load."""


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
    ("an agency's idempotency key used twice for one person (no unique index holds it: migration 0060)", """
        SELECT count(*) FROM (SELECT 1 FROM notifications WHERE idempotency_key IS NOT NULL
                              GROUP BY agency_id, citizen_id, held_for, idempotency_key
                              HAVING count(*) > 1) AS twice
    """),
    ("a campaign's message in one inbox twice", """
        SELECT count(*) FROM (SELECT 1 FROM notifications WHERE campaign_id IS NOT NULL
                              GROUP BY campaign_id, citizen_id HAVING count(*) > 1) AS twice
    """),
    ("campaigns whose recipient count is not their number of messages", """
        SELECT count(*) FROM notification_campaigns c
        WHERE c.recipients <> (SELECT count(*) FROM notifications n WHERE n.campaign_id = c.id)
    """),
    # A fault run lasts minutes: retention takes no body written within the last day.
    ("a message of the last day without its body, or a body without its message (migration 0065)", """
        SELECT (SELECT count(*) FROM notifications n
                WHERE n.campaign_id IS NULL AND n.created_at > now() - interval '1 day'
                  AND CASE WHEN n.body_purged_at IS NULL THEN n.body_th IS NULL  -- in its row
                      ELSE NOT EXISTS (SELECT FROM notification_bodies b WHERE b.notification_id = n.id) END)
             + (SELECT count(*) FROM notification_bodies b
                WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.id = b.notification_id))
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
