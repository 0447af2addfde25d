"""Scenario 5: a bank sending each callback three times, out of order, all at once."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import random
import time
from typing import Any

from scripts.faults.checks import check_invariants, drain
from scripts.faults.journey import bill_body, callback_body
from scripts.faults.world import World
from scripts.stack.clients import new_key

CALLBACK_PAYMENTS = 40


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
