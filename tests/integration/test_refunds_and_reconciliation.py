"""Money that went wrong: support accepts a late payment or refunds a double one, agencies ask for refunds
(never more than was paid) and hear how they ended, and a bank's settlement file is reconciled."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx

from backend.core.resources import Resources
from backend.core.tasks import run_task
from payments.service import expire_due_payments
from tests.factories import valid_national_id
from tests.helpers.payments import (
    BANK,
    bill,
    callback,
    issuer,
    pending_payment,
    post_callback,
)
from tests.integration.conftest import SignIn
from tests.webhook_receiver import webhook_receiver


async def test_support_accepts_a_late_payment_or_refunds_a_double_one(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(21)
    _, _agency, issued, citizen, payment = await pending_payment(sign_in, resources, national_id)
    await resources.pool.execute("UPDATE payments SET expires_at = now() - interval '5 minutes'")
    await expire_due_payments(resources.pool)
    await post_callback(client, callback(issued))  # late
    support = await sign_in(("support", None))
    assert (await citizen.get("/api/v1/support/payment-exceptions")).status_code == 403
    [late] = (await support.get("/api/v1/support/payment-exceptions")).json()
    assert late["kind"] == "late"
    assert late["can_accept"] is True  # a payment was started: its late money can be taken
    assert late["bill_amount_satang"] == late["amount_satang"]
    assert late["bill_description_th"]
    assert late["bank_name_th"]

    accepted = await support.post(
        f"/api/v1/support/payment-exceptions/{late['id']}/resolve",
        json={"action": "accept", "note": "Paid two minutes late; the citizen called"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["receipt_number"].startswith("R")
    assert (await citizen.get(f"/api/v1/payments/{payment['id']}")).json()["state"] == "success"
    assert (await citizen.get("/api/v1/bills")).json()[0]["status"] == "paid"

    await post_callback(client, callback(issued))  # the bank sends the money again
    [double] = (await support.get("/api/v1/support/payment-exceptions")).json()
    assert double["kind"] == "already_paid"
    assert double["can_accept"] is False
    cannot = await support.post(
        f"/api/v1/support/payment-exceptions/{double['id']}/resolve", json={"action": "accept", "note": "no"}
    )
    assert cannot.status_code == 409
    # Said "Thai · English": the console shows the reader's side.
    assert cannot.json()["detail"].split(" · ") == [
        "รับได้เฉพาะเงินที่เข้าช้าหรือยอดไม่ตรง รายการอื่นให้คืนเงิน",
        "Only a late payment or a different amount can be accepted; refund the others.",
    ]
    refunded = await support.post(
        f"/api/v1/support/payment-exceptions/{double['id']}/resolve",
        json={"action": "refund", "note": "paid twice"},
    )
    assert refunded.json()["status"] == "refund_requested"
    assert await resources.pool.fetchval("SELECT state FROM refunds") == "submitted"
    assert (await support.get("/api/v1/support/payment-exceptions")).json() == []
    [waiting] = (await support.get("/api/v1/support/refunds")).json()
    assert (waiting["id"], waiting["exception_id"]) == (refunded.json()["refund_id"], double["id"])
    assert waiting["reason"] == "paid twice"
    assert waiting["bill_description_th"]
    settled = await support.post(f"/api/v1/support/refunds/{waiting['id']}", json={"state": "success"})
    assert settled.status_code == 200, settled.text
    assert (await support.get("/api/v1/support/refunds")).json() == []  # answered: no longer waiting
    resolver = await resources.pool.fetchval("SELECT count(DISTINCT resolved_by) FROM payment_exceptions")
    assert resolver == 1


async def test_a_settlement_file_is_reconciled_with_each_kind_of_difference(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    _, agency = await issuer(sign_in, resources)
    paid: list[dict[str, Any]] = []
    for seed in (31, 32, 33):
        national_id = valid_national_id(seed)
        issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
        citizen = await sign_in(national_id=national_id)
        await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
        await post_callback(client, callback(issued, bank_reference=f"BR{seed}"))
        paid.append(issued)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date().isoformat()
    csv_text = "date,bank_reference,biller_id,ref1,ref2,amount\n" + "\n".join(
        [
            f"{today},BR31,{paid[0]['biller_id']},{paid[0]['ref1']},{paid[0]['ref2']},300.00",  # matches
            f"{today},BR32,{paid[1]['biller_id']},{paid[1]['ref1']},{paid[1]['ref2']},299.00",  # differs
            f"{today},BR99,0994000165510,UNKNOWN1,,150.00",  # we have no such payment
        ]
    )  # and BR33 is ours but not in the bank's file
    support = await sign_in(("support", None))
    report = await support.post(
        "/api/v1/support/reconciliations",
        params={"bank": BANK, "date": today},
        content=csv_text.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert report.status_code == 201, report.text
    counts = {k: report.json()[k] for k in ("matched", "amount_difference", "missing_ours", "missing_bank")}
    assert counts == {"matched": 1, "amount_difference": 1, "missing_ours": 1, "missing_bank": 1}
    kinds = sorted(row["kind"] for row in await resources.pool.fetch("SELECT kind FROM reconciliation_items"))
    assert kinds == ["amount_difference", "matched", "missing_bank", "missing_ours"]
    broken = await support.post(
        "/api/v1/support/reconciliations",
        params={"bank": BANK, "date": today},
        content=b"date,bank_reference,biller_id,ref1,ref2,amount\nyesterday,x,y,z,,lots\n",
    )
    assert broken.status_code == 400
    assert broken.json()["errors"][0]["field"] == "line 2"


async def test_an_agency_asks_for_a_refund_and_hears_how_it_ended(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(50)
    agency_id, agency = await issuer(sign_in, resources)
    other_id, other = await issuer(sign_in, resources)
    async with webhook_receiver() as receiver:
        await agency.put(f"/api/v1/agency/{agency_id}/webhook", json={"url": receiver.url})
        issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
        citizen = await sign_in(national_id=national_id)
        payment = (
            await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
        ).json()
        await post_callback(client, callback(issued))
        await resources.pool.execute(
            "UPDATE task_outbox SET state = 'done', finished_at = now()"
        )  # paid hook: seen

        ask = {"payment_id": payment["id"], "amount_satang": 10000, "reason": "Charged a month twice"}
        assert (await other.post("/api/v1/agency/refunds", json=ask)).status_code == 403
        too_much = await agency.post("/api/v1/agency/refunds", json={**ask, "amount_satang": 30001})
        assert too_much.status_code == 409
        refund = await agency.post("/api/v1/agency/refunds", json=ask)
        assert refund.status_code == 201, refund.text
        assert refund.json()["state"] == "submitted"
        second = await agency.post("/api/v1/agency/refunds", json={**ask, "amount_satang": 20001})
        assert second.status_code == 409  # only 200.00 baht of the 300.00 is left

        support = await sign_in(("support", None))
        settled = await support.post(
            f"/api/v1/support/refunds/{refund.json()['id']}", json={"state": "success"}
        )
        assert settled.json() == {"id": refund.json()["id"], "state": "success"}
        again = await support.post(f"/api/v1/support/refunds/{refund.json()['id']}", json={"state": "error"})
        assert again.status_code == 404
        task_id = await resources.pool.fetchval(
            "SELECT id FROM task_outbox WHERE task = 'payments.refund_webhook'"
        )
        assert await run_task(resources, task_id) == "done"
    told = json.loads(receiver.received[-1].body)
    assert (told["event"], told["state"], told["amount_satang"]) == ("refund.updated", "success", 10000)
    listed = (await agency.get(f"/api/v1/agency/{agency_id}/refunds")).json()
    assert [r["state"] for r in listed] == ["success"]
    assert (await other.get(f"/api/v1/agency/{other_id}/refunds")).json() == []


async def test_refunds_asked_at_once_never_add_up_to_more_than_was_paid(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(51)
    _, agency, issued, _citizen, payment = await pending_payment(sign_in, resources, national_id)
    await post_callback(client, callback(issued))
    ask = {"payment_id": payment["id"], "amount_satang": 30000, "reason": "cancelled service"}
    answers = await asyncio.gather(*(agency.post("/api/v1/agency/refunds", json=ask) for _ in range(5)))
    assert sorted(answer.status_code for answer in answers) == [201, 409, 409, 409, 409]
    assert await resources.pool.fetchval("SELECT sum(amount_satang) FROM refunds") == 30000
