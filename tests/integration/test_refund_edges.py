"""Money that went wrong, at its edges: a refund the bank turns away leaves the money owed (its exception
open again), and accepted late money cancels the QR the citizen was shown since."""

from __future__ import annotations

import datetime as dt

import httpx

from backend.core.resources import Resources
from backend.core.tasks import run_task
from payments.service import expire_due_payments
from tests.factories import valid_national_id
from tests.helpers.payments import bill, callback, issuer, pending_payment, post_callback
from tests.integration.conftest import SignIn
from tests.webhook_receiver import webhook_receiver


async def test_a_refund_the_bank_turns_away_opens_its_money_again(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(61)
    agency_id, agency = await issuer(sign_in, resources)
    async with webhook_receiver() as receiver:
        await agency.put(f"/api/v1/agency/{agency_id}/webhook", json={"url": receiver.url})
        issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
        citizen = await sign_in(national_id=national_id)
        await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
        await post_callback(client, callback(issued))
        await post_callback(client, callback(issued))  # paid twice: no payment takes this money
        await resources.pool.execute("UPDATE task_outbox SET state = 'done', finished_at = now()")
        support = await sign_in(("support", None))
        [double] = (await support.get("/api/v1/support/payment-exceptions")).json()
        ask = {"action": "refund", "note": "paid twice"}
        first = await support.post(f"/api/v1/support/payment-exceptions/{double['id']}/resolve", json=ask)
        refused = await support.post(
            f"/api/v1/support/refunds/{first.json()['refund_id']}", json={"state": "error"}
        )
        assert refused.status_code == 200, refused.text

        # The money is still the citizen's: back in the list, refunded again, this time paid back.
        [again] = (await support.get("/api/v1/support/payment-exceptions")).json()
        assert again["id"] == double["id"]
        second = await support.post(f"/api/v1/support/payment-exceptions/{double['id']}/resolve", json=ask)
        assert second.json()["status"] == "refund_requested"
        paid_back = await support.post(
            f"/api/v1/support/refunds/{second.json()['refund_id']}", json={"state": "success"}
        )
        assert paid_back.status_code == 200
        assert (await support.get("/api/v1/support/payment-exceptions")).json() == []

        tasks = await resources.pool.fetch(
            "SELECT id FROM task_outbox WHERE task = 'payments.refund_webhook' ORDER BY id"
        )
        # Money no payment took: no agency to tell (its task ends at once rather than failing on every try).
        assert [await run_task(resources, row["id"]) for row in tasks] == ["done", "done"]
    assert receiver.received == []


async def test_accepting_late_money_cancels_the_qr_shown_since(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(62)
    _, _agency, issued, citizen, first = await pending_payment(sign_in, resources, national_id)
    await resources.pool.execute("UPDATE payments SET expires_at = now() - interval '5 minutes'")
    await expire_due_payments(resources.pool)
    late_money = callback(issued)
    await post_callback(client, late_money)  # late: kept for support
    shown = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "again"})
    assert shown.json()["state"] in ("created", "pending")

    support = await sign_in(("support", None))
    [late] = (await support.get("/api/v1/support/payment-exceptions")).json()
    accepted = await support.post(
        f"/api/v1/support/payment-exceptions/{late['id']}/resolve", json={"action": "accept", "note": "late"}
    )
    assert accepted.status_code == 200, accepted.text
    assert (await citizen.get(f"/api/v1/payments/{first['id']}")).json()["state"] == "success"
    assert (await citizen.get(f"/api/v1/payments/{shown.json()['id']}")).json()["state"] == "cancelled"
    event = await resources.pool.fetchrow(
        "SELECT from_state, detail FROM payment_events"
        " WHERE payment_id = $1::uuid AND to_state = 'cancelled'",
        shown.json()["id"],
    )
    assert event is not None
    assert event["detail"] == "The bill was paid by another payment."
    # The receipt is dated when the bank paid, not when support accepted it: the settlement file's day.
    dated = await resources.pool.fetchrow(
        "SELECT r.paid_at AS receipt, b.paid_at AS bill FROM receipts r JOIN bills b ON b.id = r.bill_id"
    )
    assert dated is not None
    assert dated["receipt"] == dated["bill"] == dt.datetime.fromisoformat(late_money["paid_at"])


async def test_a_receipt_is_dated_by_the_bank_never_after_it_was_settled(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    """A bank's clock a little behind dates the receipt as the bank says; one far ahead cannot date it
    after it was settled."""
    _, agency = await issuer(sign_in, resources)
    for seed, shift in ((63, dt.timedelta(seconds=-20)), (64, dt.timedelta(hours=3))):
        national_id = valid_national_id(seed)
        issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
        citizen = await sign_in(national_id=national_id)
        started = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
        payment = started.json()
        said = dt.datetime.now(dt.UTC) + shift
        before = dt.datetime.now(dt.UTC)
        assert (await post_callback(client, callback(issued, paid_at=said.isoformat()))).status_code == 200
        dated = await resources.pool.fetchval(
            "SELECT paid_at FROM receipts WHERE payment_id = $1::uuid", payment["id"]
        )
        if shift < dt.timedelta(0):
            assert dated == said
        else:
            assert before <= dated <= dt.datetime.now(dt.UTC)
