"""Nothing lost or doubled: the database against what the mix was told."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from scripts.load.config import BANK
from scripts.load_plan import Bill, CallbackRecord, Result
from tests.webhook_receiver import Receiver


@dataclass
class Checks:
    lines: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, ok: bool, text: str) -> None:
        self.lines.append((ok, text))

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.lines)


async def check_nothing_lost_or_doubled(
    database_url: str, seeded: list[Bill], mix: Result, receiver: Receiver
) -> Checks:
    checks = Checks()
    connection = await asyncpg.connect(database_url)
    try:
        paid = await _check_payments(connection, checks, seeded, mix)
        await _check_callbacks_and_messages(connection, checks, mix, paid)
    finally:
        await connection.close()
    paid_ids = {c.payment_id for c in paid}
    heard: Counter[str] = Counter(r.headers.get("x-event-id", "") for r in receiver.received)
    told = {
        key.removeprefix("payment.succeeded:"): n for key, n in heard.items() if key.startswith("payment.")
    }
    checks.add(
        paid_ids <= set(told),
        f"the agency's webhook heard of each paid bill: {len(paid_ids & set(told))} of {len(paid_ids)}; "
        f"heard twice (allowed: at least once): {sum(1 for n in told.values() if n > 1)}",
    )
    return checks


async def _check_payments(
    connection: asyncpg.Connection[Any], checks: Checks, seeded: list[Bill], mix: Result
) -> list[CallbackRecord]:
    """Bills, payments, receipts and money; returns the callbacks that paid a payment."""
    bill_ids = [bill.id for bill in seeded] + mix.issued_bills
    found = await connection.fetchval("SELECT count(*) FROM bills WHERE id = ANY($1::uuid[])", bill_ids)
    checks.add(
        found == len(bill_ids) == len(set(bill_ids)),
        f"every bill the agency API confirmed exists once: {found} of {len(bill_ids)}",
    )

    payment_ids = [p.payment_id for p in mix.payments]
    doubled_bills = await connection.fetchval(
        """SELECT count(*) FROM (SELECT bill_id FROM payments WHERE bill_id = ANY($1::uuid[])
           GROUP BY bill_id HAVING count(*) > 1) AS twice""",
        bill_ids,
    )
    checks.add(
        doubled_bills == 0 and mix.second_tap_mismatches == 0 and len(set(payment_ids)) == len(payment_ids),
        f"one payment per bill: {len(payment_ids)} payments started, {mix.second_taps} of them tapped "
        f"twice (same or new key) and shown the same QR; bills with two payments: {doubled_bills}",
    )

    firsts = [c for c in mix.callbacks if c.kind == "first"]
    paid = [c for c in firsts if c.outcome == "paid" and c.payment_id]
    unanswered = [c for c in firsts if c.http_status is None or c.http_status >= 500]
    paid_ids = [c.payment_id for c in paid]
    succeeded = await connection.fetchval(
        "SELECT count(*) FROM payments WHERE id = ANY($1::uuid[]) AND state = 'success'", paid_ids
    )
    checks.add(
        succeeded == len(paid) == len(firsts) - len(unanswered),
        f"every callback for a pending payment paid it: {len(firsts)} sent, {len(paid)} answered "
        f"paid, {succeeded} payments in success, {len(unanswered)} unanswered",
    )

    receipts = {
        row["payment_id"]: row["n"]
        for row in await connection.fetch(
            """SELECT payment_id::text, count(*) AS n, sum(amount_satang) AS satang FROM receipts
               WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id""",
            payment_ids,
        )
    }
    extra = set(receipts) - set(paid_ids) - {c.payment_id for c in unanswered}
    checks.add(
        all(receipts.get(pid) == 1 for pid in paid_ids) and not extra,
        f"exactly one receipt per paid payment: {sum(receipts.values())} receipts for "
        f"{len(paid_ids)} paid payments; receipts for payments not paid: {len(extra)}",
    )

    expected_satang = sum(c.amount_satang for c in paid)
    receipted_satang = await connection.fetchval(
        "SELECT coalesce(sum(amount_satang), 0) FROM receipts WHERE payment_id = ANY($1::uuid[])",
        paid_ids,
    )
    checks.add(
        receipted_satang == expected_satang,
        f"money counted once: receipts total {receipted_satang / 100:,.2f} baht, callbacks paid "
        f"{expected_satang / 100:,.2f} baht",
    )

    events = await connection.fetchval(
        "SELECT count(*) FROM payment_events WHERE payment_id = ANY($1::uuid[]) AND to_state = 'success'",
        paid_ids,
    )
    paid_bills = await connection.fetchval(
        "SELECT count(*) FROM bills WHERE id = ANY($1::uuid[]) AND status = 'paid'",
        [c.bill_id for c in paid],
    )
    checks.add(
        events == len(paid) == paid_bills,
        f"one success event per paid payment ({events}) and its bill marked paid ({paid_bills})",
    )

    return paid


async def _check_callbacks_and_messages(
    connection: asyncpg.Connection[Any], checks: Checks, mix: Result, paid: list[CallbackRecord]
) -> None:
    sent_ids = {c.callback_id for c in mix.callbacks if c.http_status == 200}
    kept = await connection.fetchval(
        "SELECT count(*) FROM bank_callbacks WHERE bank = $1 AND callback_id = ANY($2::text[])",
        BANK,
        list(sent_ids),
    )
    retries = [c for c in mix.callbacks if c.kind == "retry"]
    retries_ok = sum(1 for c in retries if (c.status, c.outcome) == ("already_processed", "paid"))
    checks.add(
        kept == len(sent_ids) and retries_ok == len([c for c in retries if c.http_status == 200]),
        f"each callback id kept once: {kept} rows for {len(sent_ids)} ids; {len(retries)} repeats "
        f"of a callback all answered already_processed ({retries_ok}) and counted nothing",
    )

    twice = [c for c in mix.callbacks if c.kind == "paid_twice" and c.http_status == 200]
    exceptions = {
        row["callback_id"]: row["kind"]
        for row in await connection.fetch(
            "SELECT callback_id, kind FROM payment_exceptions WHERE bank = $1", BANK
        )
    }
    twice_kept = sum(1 for c in twice if exceptions.get(c.callback_id) == "already_paid")
    checks.add(
        twice_kept == len(twice) == len(exceptions),
        f"money paid twice kept for support, never receipted again: {len(twice)} sent, "
        f"{twice_kept} exceptions 'already_paid', {len(exceptions)} exceptions in all",
    )

    abandoned = [p.payment_id for p in mix.payments if p.abandoned]
    abandoned_states = {
        row["state"]: row["n"]
        for row in await connection.fetch(
            "SELECT state, count(*) AS n FROM payments WHERE id = ANY($1::uuid[]) GROUP BY state",
            abandoned,
        )
    }
    checks.add(
        set(abandoned_states) <= {"pending", "expired"},
        f"QRs never paid stay unpaid: {len(abandoned)} ({abandoned_states or 'none'})",
    )

    keys = [f"payment-receipt:{c.payment_id}" for c in paid]
    messages = {
        row["idempotency_key"]: (row["n"], row["status"])
        for row in await connection.fetch(
            """SELECT idempotency_key, count(*) AS n, max(status) AS status FROM notifications
               WHERE idempotency_key = ANY($1::text[]) GROUP BY idempotency_key""",
            keys,
        )
    }
    open_statuses = sum(1 for _, status in messages.values() if status in ("created", "sending"))
    checks.add(
        all(messages.get(key, (0, ""))[0] == 1 for key in keys) and open_statuses == 0,
        f"exactly one receipt message in the inbox per paid payment: {len(messages)} of {len(keys)}, "
        f"each with a final status (no push devices here: 'permanent-failure', no devices)",
    )

    failed = await connection.fetchval("SELECT count(*) FROM task_outbox WHERE state = 'failed'")
    due = await connection.fetchval(
        "SELECT count(*) FROM task_outbox WHERE state = 'pending' AND run_after <= now()"
    )
    done = await connection.fetch(
        "SELECT task, count(*) AS n FROM task_outbox WHERE state = 'done' GROUP BY task ORDER BY n DESC"
    )
    kinds = ", ".join(f"{row['task']} {row['n']}" for row in done)
    checks.add(
        failed == 0 and due == 0,
        f"background tasks: {sum(row['n'] for row in done)} done ({kinds}), {failed} failed, {due} still due",
    )
