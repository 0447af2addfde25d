"""One way to settle a payment: a bank's callback and support staff accepting late money have the same
effects (receipt, the citizen's message, the agency's webhook, the application's fee), each once."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from backend.core.resources import Resources
from backend.core.tasks import unit_of_work
from payments import queries
from payments.service import expire_due_payments, settle_payment
from tests.factories import valid_national_id
from tests.helpers.applications import Office, new_office, submitted
from tests.helpers.payments import BANK, callback, post_callback, tell_receipts
from tests.integration.conftest import SignIn

TOLD = ("amount_satang", "bank", "bank_reference", "biller_id", "ref2")  # what the agency's webhook says


async def _fee_being_paid(
    sign_in: SignIn, resources: Resources, office: Office, national_id: str
) -> tuple[httpx.AsyncClient, str, dict[str, Any], dict[str, Any]]:
    """An approved application whose fee the citizen has started to pay: (citizen, application id,
    fee bill, payment)."""
    citizen = await sign_in(national_id=national_id)
    application_id = await submitted(citizen, office)
    assert (await office.move(application_id, "approved")).status_code == 200
    fee = await office.move(application_id, "fee_due")
    assert fee.status_code == 200, fee.text
    bill_id = fee.json()["bill"]["id"]
    fee_bill = next(item for item in (await citizen.get("/api/v1/bills")).json() if item["id"] == bill_id)
    payment = (
        await citizen.post(f"/api/v1/bills/{bill_id}/payments", json={"idempotency_key": "fee"})
    ).json()
    return citizen, application_id, fee_bill, payment


async def _late_exception(resources: Resources, support: httpx.AsyncClient, fee_bill: dict[str, Any]) -> int:
    """The QR expires, then the bank's money arrives: an open exception for support staff."""
    await resources.pool.execute(
        "UPDATE payments SET expires_at = now() - interval '5 minutes' WHERE bill_id = $1::uuid",
        fee_bill["id"],
    )
    await expire_due_payments(resources.pool)
    late = await post_callback(support, callback(fee_bill))
    assert late.json() == {"status": "processed", "outcome": "exception"}
    [exception] = [
        row
        for row in (await support.get("/api/v1/support/payment-exceptions")).json()
        if row["bill_id"] == fee_bill["id"]
    ]
    assert exception["kind"] == "late"
    exception_id: int = exception["id"]
    return exception_id


async def _effects(
    resources: Resources, citizen: httpx.AsyncClient, application_id: str, payment_id: str
) -> dict[str, Any]:
    """What a settled payment left behind, without what differs by nature (ids, numbers, times), once
    the worker has run the receipt message's task."""
    await tell_receipts(resources)
    state = (await citizen.get(f"/api/v1/payments/{payment_id}")).json()
    receipt = state["receipt"] or {}
    stored = await resources.pool.fetchrow(
        "SELECT bank, bank_reference FROM receipts WHERE payment_id = $1::uuid", payment_id
    )
    inbox = (await citizen.get("/api/v1/inbox")).json()["items"]
    receipt_messages = [item for item in inbox if item["url"] == f"/receipts/{receipt.get('id')}"]
    application = (await citizen.get(f"/api/v1/applications/{application_id}")).json()
    told = await queries.paid_bill_event(resources.pool, uuid.UUID(payment_id))
    bill = next(b for b in (await citizen.get("/api/v1/bills")).json() if b["id"] == state["bill_id"])
    return {
        "payment": state["state"],
        "bill": bill["status"],
        "receipt": {
            "number": receipt.get("number", "")[:1],
            "amount_satang": receipt.get("amount_satang"),
            "bank": stored and stored["bank"],
            "bank_reference": stored and stored["bank_reference"],
        },
        "receipt_messages": [
            (item["title_en"], item["body_en"].split(", receipt ")[0].replace(bill["ref1"], "REF1"))
            for item in receipt_messages
        ],
        "inbox_titles": sorted(item["title_en"] for item in inbox),
        "webhook_tasks": await resources.pool.fetchval(
            "SELECT count(*) FROM task_outbox "
            "WHERE task = 'payments.agency_webhook' AND payload->>'payment_id' = $1",
            payment_id,
        ),
        "agency_told": told
        and {
            key: getattr(told, key)
            for key in ("amount_satang", "bank", "bank_reference", "biller_id", "ref2")
        },
        "application": (application["state"], [event["to_state"] for event in application["events"]][-2:]),
    }


async def test_a_fee_accepted_by_support_has_the_effects_of_one_paid_through_the_bank(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources)
    support = await sign_in(("support", None))

    by_bank, by_bank_application, bank_bill, bank_payment = await _fee_being_paid(
        sign_in, resources, office, valid_national_id(4501)
    )
    paid = await post_callback(by_bank, callback(bank_bill))
    assert paid.json() == {"status": "processed", "outcome": "paid"}

    by_support, by_support_application, late_bill, late_payment = await _fee_being_paid(
        sign_in, resources, office, valid_national_id(4502)
    )
    exception_id = await _late_exception(resources, support, late_bill)
    accepted = await support.post(
        f"/api/v1/support/payment-exceptions/{exception_id}/resolve",
        json={"action": "accept", "note": "Paid a minute late; the citizen called"},
    )
    assert accepted.status_code == 200, accepted.text

    through_bank = await _effects(resources, by_bank, by_bank_application, bank_payment["id"])
    through_support = await _effects(resources, by_support, by_support_application, late_payment["id"])
    assert through_bank == {
        "payment": "success",
        "bill": "paid",
        "receipt": {"number": "R", "amount_satang": 20000, "bank": BANK, "bank_reference": "BNK-1"},
        "receipt_messages": [("Paid: 200.00 baht", "Fee: Qualification equivalence (REF1)")],
        "inbox_titles": through_bank["inbox_titles"],
        "webhook_tasks": 1,
        "agency_told": {
            "amount_satang": 20000, "bank": BANK, "bank_reference": "BNK-1",
            "biller_id": bank_bill["biller_id"], "ref2": bank_bill["ref2"],
        },
        "application": ("paid", ["fee_due", "paid"]),
    }  # fmt: skip
    assert "Fee paid" in through_bank["inbox_titles"]
    assert through_support == through_bank
    assert (
        accepted.json()["receipt_number"]
        == (await by_support.get(f"/api/v1/payments/{late_payment['id']}")).json()["receipt"]["number"]
    )
    # Support's own record of the decision stays with the exception.
    resolved = await resources.pool.fetchrow(
        "SELECT status, resolved_by IS NOT NULL, resolution_note FROM payment_exceptions WHERE id = $1",
        exception_id,
    )
    assert resolved is not None
    assert tuple(resolved) == ("accepted", True, "Paid a minute late; the citizen called")
    sources = await resources.pool.fetch(
        "SELECT payment_id::text, source FROM payment_events WHERE to_state = 'success' ORDER BY id"
    )
    assert [(row["payment_id"], row["source"]) for row in sources] == [
        (bank_payment["id"], "bank"),
        (late_payment["id"], "support"),
    ]


async def _counts(resources: Resources, payment_id: str) -> tuple[int, ...]:
    await tell_receipts(resources)  # as the worker would, so that a receipt message queued twice shows
    row = await resources.pool.fetchrow(
        """
        SELECT (SELECT count(*) FROM receipts WHERE payment_id = $1::uuid),
               (SELECT count(*) FROM payment_events WHERE payment_id = $1::uuid AND to_state = 'success'),
               (SELECT count(*) FROM notifications WHERE idempotency_key = 'payment-receipt:' || $2),
               (SELECT count(*) FROM task_outbox
                WHERE task = 'payments.agency_webhook' AND payload->>'payment_id' = $2),
               (SELECT count(*) FROM application_events e JOIN applications a ON a.id = e.application_id
                JOIN payments p ON p.bill_id = a.bill_id WHERE p.id = $1::uuid AND e.to_state = 'paid')
        """,
        payment_id,
        payment_id,
    )
    assert row is not None
    return tuple(row)


async def test_settling_a_payment_twice_gives_one_receipt_and_one_message(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources)
    citizen, _application_id, fee_bill, payment = await _fee_being_paid(
        sign_in, resources, office, valid_national_id(4503)
    )
    assert (await post_callback(citizen, callback(fee_bill))).json()["outcome"] == "paid"
    assert await _counts(resources, payment["id"]) == (1, 1, 1, 1, 1)
    number = await resources.pool.fetchval(
        "SELECT number FROM receipts WHERE payment_id = $1::uuid", payment["id"]
    )

    async with unit_of_work(resources.pool, resources.queue) as work:
        again = await settle_payment(
            work,
            payment["id"],
            amount_satang=20000,
            bank=BANK,
            bank_reference="BNK-2",
            source="bank",
            detail="again",
        )
    assert (again.receipt_number, again.newly) == (number, False)
    assert await _counts(resources, payment["id"]) == (1, 1, 1, 1, 1)


async def test_support_accepting_money_that_came_twice_for_one_payment_settles_it_once(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources)
    support = await sign_in(("support", None))
    _citizen, _application_id, fee_bill, payment = await _fee_being_paid(
        sign_in, resources, office, valid_national_id(4504)
    )
    first = await _late_exception(resources, support, fee_bill)
    second = await post_callback(
        support, callback(fee_bill)
    )  # the same late money, sent again under a new id
    assert second.json()["outcome"] == "exception"
    [_, other] = (await support.get("/api/v1/support/payment-exceptions")).json()
    assert other["payment_id"] == payment["id"]

    resolve = "/api/v1/support/payment-exceptions/{}/resolve"
    accepted = await support.post(resolve.format(first), json={"action": "accept", "note": "late"})
    assert accepted.status_code == 200, accepted.text
    refused = await support.post(resolve.format(other["id"]), json={"action": "accept", "note": "late too"})
    assert refused.status_code == 409  # the second sum is to be refunded, not counted again
    assert await _counts(resources, payment["id"]) == (1, 1, 1, 1, 1)
    assert (
        await resources.pool.fetchval("SELECT status FROM payment_exceptions WHERE id = $1", other["id"])
        == "open"
    )


async def test_money_for_a_cancelled_fee_is_kept_for_a_refund_not_settled(
    sign_in: SignIn, resources: Resources
) -> None:
    office = await new_office(sign_in, resources)
    support = await sign_in(("support", None))
    citizen, application_id, fee_bill, payment = await _fee_being_paid(
        sign_in, resources, office, valid_national_id(4505)
    )
    assert (await office.move(application_id, "closed", note="Withdrawn by phone")).status_code == 200
    paid = await post_callback(citizen, callback(fee_bill))  # the QR shown before was still live
    assert paid.json() == {"status": "processed", "outcome": "exception"}
    [exception] = (await support.get("/api/v1/support/payment-exceptions")).json()
    assert (exception["kind"], exception["bill_id"]) == ("late", fee_bill["id"])
    refused = await support.post(
        f"/api/v1/support/payment-exceptions/{exception['id']}/resolve",
        json={"action": "accept", "note": "x"},
    )
    assert refused.status_code == 409
    assert await _counts(resources, payment["id"]) == (0, 0, 0, 0, 0)
    bill = next(b for b in (await citizen.get("/api/v1/bills")).json() if b["id"] == fee_bill["id"])
    assert bill["status"] == "cancelled"
    assert (await citizen.get(f"/api/v1/applications/{application_id}")).json()["state"] == "closed"
