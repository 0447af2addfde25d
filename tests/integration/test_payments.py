"""Bills, Thai QR payments and bank callbacks: money counted exactly once, never lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from decimal import Decimal
from urllib.parse import urlsplit

import httpx
from litestar import Litestar

from backend.core.resources import Resources
from backend.core.signatures import verify_signature
from backend.core.tasks import run_task
from backend.identity.sessions import session_key
from payments.service import expire_due_payments
from payments.thaiqr import parse
from tests.factories import make_agency, make_bill, make_payment, valid_national_id
from tests.helpers.payments import (
    BANK,
    DEFAULT_BILLER,
    bill,
    callback,
    issuer,
    pending_payment,
    post_callback,
    tell_receipts,
)
from tests.integration.conftest import SignIn
from tests.webhook_receiver import webhook_receiver


async def test_an_agency_issues_a_bill_once_per_idempotency_key(
    sign_in: SignIn, resources: Resources
) -> None:
    _, agency = await issuer(sign_in, resources)
    body = bill(valid_national_id(11))
    first = await agency.post("/api/v1/agency/bills", json=body)
    assert first.status_code == 201, first.text
    again = await agency.post("/api/v1/agency/bills", json=body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    changed = await agency.post("/api/v1/agency/bills", json={**body, "amount_satang": 1})
    assert changed.status_code == 409
    bad_id = await agency.post("/api/v1/agency/bills", json=bill("1101700207537"))
    assert bad_id.json()["errors"][0]["field"] == "national_id"
    assert await resources.pool.fetchval("SELECT count(*) FROM bills") == 1


async def test_a_citizen_pays_by_qr_and_a_signed_callback_marks_it_paid_with_a_receipt(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(12)
    _, agency = await issuer(sign_in, resources)
    issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
    citizen = await sign_in(national_id=national_id)
    bills = (await citizen.get("/api/v1/bills")).json()
    assert [b["id"] for b in bills] == [issued["id"]]

    payment = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k1"})
    assert payment.status_code == 201, payment.text
    shown = payment.json()
    qr = parse(shown["qr_payload"])
    assert (qr.biller_id, qr.ref1, qr.ref2, qr.amount, qr.dynamic) == (
        issued["biller_id"], issued["ref1"], issued["ref2"], Decimal("300.00"), True,
    )  # fmt: skip
    assert shown["state"] == "pending"
    expires = dt.datetime.fromisoformat(shown["expires_at"])
    assert dt.timedelta(minutes=14) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=15)
    same = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k1"})
    other_tap = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k2"})
    assert same.json()["id"] == other_tap.json()["id"] == shown["id"]  # one live QR per bill

    svg = await citizen.get(shown["qr_svg_url"])
    png = await citizen.get(shown["qr_png_url"])
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert png.content.startswith(b"\x89PNG")

    confirmed = await post_callback(client, callback(issued))
    assert confirmed.json() == {"status": "processed", "outcome": "paid"}
    state = (await citizen.get(f"/api/v1/payments/{shown['id']}")).json()
    assert state["state"] == "success"
    assert await tell_receipts(resources) == ["done"]  # the worker's task, queued with the money
    [message] = (await citizen.get("/api/v1/inbox")).json()["items"]
    assert message["title_en"] == "Paid: 300.00 baht"
    assert message["url"] == f"/receipts/{state['receipt']['id']}"
    receipt = state["receipt"]
    assert receipt["number"].startswith("R")
    assert (await citizen.get("/api/v1/bills")).json()[0]["status"] == "paid"
    # The receipt's QR leads people to the app's page; machines ask the API with the same code.
    page_path = urlsplit(receipt["verification_url"]).path
    assert page_path.startswith("/verify/receipt/")
    verified = (await client.get(f"/api/v1/receipts/verify/{page_path.rsplit('/', 1)[1]}")).json()
    assert verified["genuine"] is True
    assert verified["number"] == receipt["number"]
    assert national_id not in json.dumps(verified)
    events = await resources.pool.fetch("SELECT from_state, to_state FROM payment_events ORDER BY id")
    assert [(e["from_state"], e["to_state"]) for e in events] == [
        (None, "created"),
        ("created", "pending"),
        ("pending", "success"),
    ]
    assert (
        await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k3"})
    ).status_code == 409


async def test_fifty_concurrent_duplicate_callbacks_give_one_success_and_one_receipt(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(13)
    _, agency = await issuer(sign_in, resources)
    issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
    citizen = await sign_in(national_id=national_id)
    await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
    same_callback = callback(issued)
    other_ids = [callback(issued) for _ in range(5)]  # the bank sent the money twice, under new ids
    answers = await asyncio.gather(
        *(post_callback(client, same_callback) for _ in range(45)),
        *(post_callback(client, body) for body in other_ids),
    )
    assert all(answer.status_code == 200 for answer in answers)
    outcomes = [answer.json() for answer in answers]
    assert outcomes.count({"status": "processed", "outcome": "paid"}) == 1
    assert await resources.pool.fetchval("SELECT count(*) FROM receipts") == 1
    assert await resources.pool.fetchval("SELECT count(*) FROM payments WHERE state = 'success'") == 1
    assert await tell_receipts(resources) == ["done"]  # one receipt message queued
    assert await resources.pool.fetchval("SELECT count(*) FROM notifications") == 1
    assert await resources.pool.fetchval("SELECT count(*) FROM bank_callbacks") == 6
    kinds = [row["kind"] for row in await resources.pool.fetch("SELECT kind FROM payment_exceptions")]
    assert kinds == ["already_paid"] * 5  # each extra payment is kept for support staff


async def test_forged_or_stale_callbacks_are_refused_and_change_nothing(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(14)
    _, agency = await issuer(sign_in, resources)
    issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
    citizen = await sign_in(national_id=national_id)
    await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
    forged = await post_callback(client, callback(issued), secret=b"not-the-bank")
    stale = await post_callback(client, callback(issued), at=time.time() - 301)
    unknown_bank = await client.post(
        "/api/v1/payments/callbacks/nobank", content=b"{}", headers={"X-Signature": "t=1,v1=0"}
    )
    assert (forged.status_code, stale.status_code, unknown_bank.status_code) == (401, 401, 401)
    assert forged.headers["content-type"] == "application/problem+json"
    assert await resources.pool.fetchval("SELECT count(*) FROM bank_callbacks") == 0
    assert (await citizen.get("/api/v1/bills")).json()[0]["status"] == "unpaid"


async def test_a_wrong_amount_or_a_late_payment_becomes_an_exception_not_a_loss(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(15)
    _, _agency, issued, citizen, payment = await pending_payment(sign_in, resources, national_id)

    short = await post_callback(client, callback(issued, amount_satang=29999))
    assert short.json() == {"status": "processed", "outcome": "exception"}
    assert (await citizen.get(f"/api/v1/payments/{payment['id']}")).json()["state"] == "pending"

    await resources.pool.execute("UPDATE payments SET expires_at = now() - interval '5 minutes'")
    assert await expire_due_payments(resources.pool) == 1
    assert (await citizen.get(f"/api/v1/payments/{payment['id']}")).json()["state"] == "expired"
    late = await post_callback(client, callback(issued))
    assert late.json()["outcome"] == "exception"
    rows = await resources.pool.fetch(
        "SELECT kind, amount_satang, status FROM payment_exceptions ORDER BY id"
    )
    assert [(r["kind"], r["amount_satang"], r["status"]) for r in rows] == [
        ("amount_mismatch", 29999, "open"),
        ("late", 30000, "open"),
    ]
    assert (await citizen.get("/api/v1/bills")).json()[0]["status"] == "unpaid"  # support decides


async def test_money_paid_before_expiry_counts_even_when_the_callback_comes_after(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(22)
    _, _agency, issued, citizen, payment = await pending_payment(sign_in, resources, national_id)
    paid_at = dt.datetime.now(dt.UTC).isoformat()
    await resources.pool.execute("UPDATE payments SET expires_at = now() + interval '1 second'")
    await asyncio.sleep(1.2)
    await expire_due_payments(resources.pool)  # the cron got there before the bank's callback
    assert (await citizen.get(f"/api/v1/payments/{payment['id']}")).json()["state"] == "expired"
    answer = await post_callback(client, callback(issued, paid_at=paid_at))
    assert answer.json() == {"status": "processed", "outcome": "paid"}
    assert (await citizen.get(f"/api/v1/payments/{payment['id']}")).json()["state"] == "success"
    naive = await post_callback(client, callback(issued, paid_at="2026-11-22T08:00:00"))
    assert naive.status_code == 400  # a time without its offset is ambiguous


async def test_one_citizen_never_sees_or_pays_anothers_bill(sign_in: SignIn, resources: Resources) -> None:
    _, agency = await issuer(sign_in, resources)
    issued = (await agency.post("/api/v1/agency/bills", json=bill(valid_national_id(16)))).json()
    stranger = await sign_in(national_id=valid_national_id(17))
    assert (await stranger.get("/api/v1/bills")).json() == []
    refused = await stranger.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
    assert refused.status_code == 404
    owner = await sign_in(national_id=valid_national_id(16))
    payment = (
        await owner.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
    ).json()
    assert (await stranger.get(f"/api/v1/payments/{payment['id']}")).status_code == 404
    assert (await stranger.get(payment["qr_png_url"])).status_code == 404


async def test_a_large_bill_needs_a_step_up_login(sign_in: SignIn, resources: Resources) -> None:
    national_id = valid_national_id(18)
    _, agency = await issuer(sign_in, resources)
    issued = (
        await agency.post("/api/v1/agency/bills", json=bill(national_id, amount_satang=2_000_000))
    ).json()
    citizen = await sign_in(national_id=national_id)
    token = next(iter(citizen.cookies.values()))
    key = session_key(token)  # make it an old login, not a recent one
    stored = json.loads(await resources.redis.get(key) or b"{}")
    stored["auth_time"] = int(time.time()) - 3600
    await resources.redis.set(key, json.dumps(stored))
    refused = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
    assert refused.status_code == 401
    assert "insufficient_user_authentication" in refused.headers["www-authenticate"]


async def test_the_live_state_stream_ends_with_success(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(19)
    _, _agency, issued, citizen, payment = await pending_payment(sign_in, resources, national_id)
    await post_callback(client, callback(issued))
    stream = await citizen.get(f"/api/v1/payments/{payment['id']}/live")
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert 'data: {"state":"success"}' in stream.text


async def test_the_issuing_agency_gets_a_signed_webhook_retried_on_its_schedule(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(20)
    agency_id, agency = await issuer(sign_in, resources)
    async with webhook_receiver() as receiver:
        registered = await agency.put(f"/api/v1/agency/{agency_id}/webhook", json={"url": receiver.url})
        assert registered.status_code == 200, registered.text
        secret = registered.json()["secret"].encode()
        issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
        citizen = await sign_in(national_id=national_id)
        payment = (
            await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
        ).json()
        receiver.statuses = [503]
        await post_callback(client, callback(issued))
        task_id = await resources.pool.fetchval(
            "SELECT id FROM task_outbox WHERE task = 'payments.agency_webhook'"
        )
        assert await resources.queue.job(f"task:{task_id}") is not None  # queued after the commit

        assert await run_task(resources, task_id) == "retry"
        due_in = await resources.pool.fetchval(
            "SELECT extract(epoch FROM run_after - now()) FROM task_outbox WHERE id = $1", task_id
        )
        assert 55 < due_in <= 60  # the first retry comes a minute later
        await resources.pool.execute("UPDATE task_outbox SET run_after = now()")
        assert await run_task(resources, task_id) == "done"

    first, second = receiver.received
    assert first.body == second.body
    delivered = json.loads(second.body)
    assert delivered["event"] == "payment.succeeded"
    assert (delivered["payment_id"], delivered["ref1"], delivered["amount_satang"]) == (
        payment["id"],
        issued["ref1"],
        30000,
    )
    assert national_id not in second.body.decode()
    verify_signature(secret, second.headers["x-signature"], second.body)
    history = (await agency.get(f"/api/v1/agency/{agency_id}/webhook")).json()["deliveries"]
    assert [(d["attempt"], d["outcome"], d["status_code"]) for d in history] == [
        (2, "delivered", 200),
        (1, "failed", 503),
    ]


async def test_a_receipt_prints_as_a_page_only_for_its_payer(
    app: Litestar, sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(40)
    agency_id = await make_agency(resources.pool, status="approved")
    citizen = await sign_in(national_id=national_id)
    citizen_id = (await citizen.get("/api/v1/me")).json()["id"]
    hashed = app.state.identity.cipher.lookup_hash(national_id)
    payment = await make_payment(
        resources.pool, await make_bill(resources.pool, agency_id, hashed), citizen_id, state="success"
    )
    [receipt] = (await citizen.get("/api/v1/receipts")).json()
    page = await citizen.get(f"/receipts/{receipt['id']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert receipt["number"] in page.text
    assert "300.00" in page.text
    assert f"x-xxxx-xxxxx-{national_id[10:12]}-{national_id[12]}" in page.text
    assert national_id not in page.text
    assert '<link rel="stylesheet" href="/receipt.css">' in page.text
    # Thai dates in the Buddhist era, and the check a person can open (not the API's JSON).
    paid = dt.datetime.fromisoformat(receipt["paid_at"]).astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert f" {paid.year + 543} เวลา " in page.text
    assert f'href="{receipt["verification_url"]}"' in page.text
    assert "/verify/receipt/" in receipt["verification_url"]
    assert (await client.get("/receipt.css")).headers["content-type"].startswith("text/css")
    qr = await citizen.get(f"/api/v1/receipts/{receipt['id']}/verification-qr.svg")
    assert qr.content.lstrip().startswith(b"<?xml") or b"<svg" in qr.content
    stranger = await sign_in(national_id=valid_national_id(41))
    assert (await stranger.get(f"/receipts/{receipt['id']}")).status_code == 404
    assert payment.id


async def test_bad_signatures_and_ids_are_refused_not_crashed(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    raw = b"{}"
    for header in (f"t=1{'0' * 400},v1={'a' * 64}", f"t={int(time.time())},v1=\u00e9\u00e9", "t=abc", ""):
        response = await client.post(
            f"/api/v1/payments/callbacks/{BANK}",
            content=raw,
            headers={b"X-Signature": header.encode()},
        )
        assert response.status_code == 401, header
    _, agency = await issuer(sign_in, resources)
    odd = await agency.post(
        "/api/v1/agency/refunds", json={"payment_id": "-" * 36, "amount_satang": 1, "reason": "x"}
    )
    assert odd.status_code == 400


async def test_an_agency_bills_only_under_its_own_biller_ids(sign_in: SignIn, resources: Resources) -> None:
    owner_id, owner = await issuer(sign_in, resources)
    other_id, other = await issuer(sign_in, resources)
    stolen = await other.post("/api/v1/agency/bills", json=bill(valid_national_id(60)))
    assert stolen.status_code == 400
    assert stolen.json()["errors"][0]["field"] == "biller_id"
    admin = await sign_in(("platform_admin", None))
    taken = await admin.post(f"/api/v1/admin/agencies/{other_id}/billers", json={"biller_id": DEFAULT_BILLER})
    assert taken.status_code == 409
    own = await admin.post(f"/api/v1/admin/agencies/{other_id}/billers", json={"biller_id": "0994000999991"})
    assert own.json() == ["0994000999991"]
    issued = await other.post(
        "/api/v1/agency/bills", json=bill(valid_national_id(60), biller_id="0994000999991")
    )
    assert issued.status_code == 201
    assert (await owner.post("/api/v1/agency/bills", json=bill(valid_national_id(61)))).status_code == 201
    assert owner_id != other_id


async def test_a_new_qr_is_made_at_once_when_the_old_one_ran_out_before_the_expiry_job_came(
    sign_in: SignIn, resources: Resources
) -> None:
    _, _, issued, citizen, first = await pending_payment(sign_in, resources, valid_national_id(61))
    await resources.pool.execute(
        "UPDATE payments SET expires_at = now() - interval '1 second' WHERE id = $1::uuid", first["id"]
    )
    again = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k2"})
    assert again.status_code in (200, 201), again.text
    assert again.json()["id"] != first["id"]
    events = await resources.pool.fetch(
        "SELECT from_state, to_state FROM payment_events WHERE payment_id = $1::uuid ORDER BY id", first["id"]
    )
    assert [(e["from_state"], e["to_state"]) for e in events][-1] == ("pending", "expired")
