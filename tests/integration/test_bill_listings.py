"""Read-only views of bills: an agency's own bills with their payment states, and support staff's look-up
of one citizen's payment history, which that citizen sees in their data-access record."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from backend.core.crypto import mask_national_id
from backend.core.resources import Resources
from payments.service import expire_due_payments
from tests.factories import valid_national_id
from tests.helpers.agency_clients import new_client, request_token
from tests.helpers.payments import bill, callback, issuer, pending_payment, post_callback
from tests.integration.conftest import SignIn

NO_TOTALS = {"count": 0, "total_satang": 0}


async def _issue(agency: httpx.AsyncClient, national_id: str, **overrides: Any) -> dict[str, Any]:
    issued = await agency.post("/api/v1/agency/bills", json=bill(national_id, **overrides))
    assert issued.status_code == 201, issued.text
    body: dict[str, Any] = issued.json()
    return body


async def _pay(
    client: httpx.AsyncClient, citizen: httpx.AsyncClient, issued: dict[str, Any], key: str = "k"
) -> dict[str, Any]:
    payment = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": key})
    assert payment.status_code == 201, payment.text
    assert (await post_callback(client, callback(issued))).json()["outcome"] == "paid"
    body: dict[str, Any] = payment.json()
    return body


async def _all_pages(agency: httpx.AsyncClient, path: str, **params: Any) -> list[list[str]]:
    """The ids on each page, following next_before to the end."""
    pages: list[list[str]] = []
    before = None
    while True:
        page = await agency.get(path, params={**params, **({"before": before} if before else {})})
        assert page.status_code == 200, page.text
        pages.append([item["id"] for item in page.json()["items"]])
        before = page.json()["next_before"]
        if before is None:
            return pages


async def test_an_agency_admin_lists_its_bills_with_the_payment_state_and_receipt_after_a_payment(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    payer_id, unknown_id = valid_national_id(101), valid_national_id(102)
    agency_id, agency = await issuer(sign_in, resources)
    paid = await _issue(agency, payer_id)
    never_logged_in = await _issue(agency, unknown_id, amount_satang=12345)
    citizen = await sign_in(national_id=payer_id)
    payment = await _pay(client, citizen, paid)

    listed = await agency.get(f"/api/v1/agency/{agency_id}/bills")
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert [item["id"] for item in page["items"]] == [never_logged_in["id"], paid["id"]]  # newest first
    assert page["next_before"] is None
    unpaid_row, paid_row = page["items"]
    assert paid_row["status"] == "paid"
    assert (paid_row["payment_id"], paid_row["payment_state"]) == (payment["id"], "success")
    assert paid_row["payment_at"] is not None
    assert paid_row["paid_at"] is not None
    [receipt] = (await citizen.get("/api/v1/receipts")).json()
    assert paid_row["receipt_number"] == receipt["number"]
    assert (paid_row["ref1"], paid_row["ref2"], paid_row["biller_id"]) == (
        paid["ref1"],
        paid["ref2"],
        paid["biller_id"],
    )
    assert (paid_row["description_en"], paid_row["amount_satang"], paid_row["due_date"]) == (
        "Water, November",
        30000,
        "2026-12-31",
    )
    assert paid_row["issued_at"] == paid["created_at"]
    assert not any("national_id" in key for key in paid_row)  # the agency refers to bills by ref1/ref2
    assert payer_id not in json.dumps(page)
    assert unpaid_row["status"] == "unpaid"
    assert (unpaid_row["payment_id"], unpaid_row["payment_state"], unpaid_row["receipt_number"]) == (
        None,
        None,
        None,
    )
    assert page["summary"] == {
        "unpaid": {"count": 1, "total_satang": 12345},
        "paid": {"count": 1, "total_satang": 30000},
        "cancelled": NO_TOTALS,
    }
    assert payer_id not in listed.text
    assert unknown_id not in listed.text


async def test_an_agency_filters_its_bills_by_status_and_pages_through_them_newest_first(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id, agency = await issuer(sign_in, resources)
    issued = [await _issue(agency, valid_national_id(110 + n)) for n in range(5)]
    await _pay(client, await sign_in(national_id=valid_national_id(111)), issued[1])
    await _pay(client, await sign_in(national_id=valid_national_id(113)), issued[3])
    path = f"/api/v1/agency/{agency_id}/bills"
    newest_first = [bill["id"] for bill in reversed(issued)]

    assert await _all_pages(agency, path, limit=2) == [newest_first[0:2], newest_first[2:4], newest_first[4:]]
    assert await _all_pages(agency, path, limit=5) == [newest_first]
    assert await _all_pages(agency, path, status="paid", limit=1) == [[issued[3]["id"]], [issued[1]["id"]]]
    assert await _all_pages(agency, path, status="unpaid", limit=2) == [
        [issued[4]["id"], issued[2]["id"]],
        [issued[0]["id"]],
    ]
    assert await _all_pages(agency, path, status="cancelled") == [[]]

    filtered = (await agency.get(path, params={"status": "paid", "limit": 1})).json()
    assert filtered["summary"] == {  # always over all the agency's bills
        "unpaid": {"count": 3, "total_satang": 90000},
        "paid": {"count": 2, "total_satang": 60000},
        "cancelled": NO_TOTALS,
    }
    for bad in ({"status": "success"}, {"limit": 0}, {"limit": 201}, {"before": "not-a-bill"}):
        refused = await agency.get(path, params=bad)
        assert refused.status_code == 400, bad
        assert refused.headers["content-type"].startswith("application/problem+json")


async def test_no_agency_sees_another_agencys_bills_and_a_citizen_sees_none(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(120)
    agency_id, agency = await issuer(sign_in, resources)
    other_id, other = await issuer(sign_in, resources)
    issued = await _issue(agency, national_id)

    refused = await other.get(f"/api/v1/agency/{agency_id}/bills")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    own = (await other.get(f"/api/v1/agency/{other_id}/bills")).json()
    assert own == {
        "items": [],
        "next_before": None,
        "summary": {"unpaid": NO_TOTALS, "paid": NO_TOTALS, "cancelled": NO_TOTALS},
    }
    borrowed_cursor = await other.get(f"/api/v1/agency/{other_id}/bills", params={"before": issued["id"]})
    assert borrowed_cursor.status_code == 400
    assert borrowed_cursor.json()["errors"][0]["field"] == "before"

    citizen = await sign_in(national_id=national_id)
    assert (await citizen.get(f"/api/v1/agency/{agency_id}/bills")).status_code == 403
    editor = await sign_in(("agency_editor", agency_id))
    assert (await editor.get(f"/api/v1/agency/{agency_id}/bills")).status_code == 403
    assert (await client.get(f"/api/v1/agency/{agency_id}/bills")).status_code == 401


async def test_the_agencys_system_lists_its_bills_with_a_token_scoped_to_bills(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id, agency = await issuer(sign_in, resources)
    other_id, _other = await issuer(sign_in, resources)
    issued = await _issue(agency, valid_national_id(130))
    billing = await new_client(agency, agency_id, ["bills"])
    token = (
        await request_token(client, billing["client_id"], billing["client_secret"], scope="bills")
    ).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}

    listed = await client.get(f"/api/v1/agency/{agency_id}/bills", headers=bearer)
    assert listed.status_code == 200, listed.text
    assert [item["id"] for item in listed.json()["items"]] == [issued["id"]]
    assert (await client.get(f"/api/v1/agency/{other_id}/bills", headers=bearer)).status_code == 403

    sender = await new_client(agency, agency_id, ["notifications"])
    unscoped = (await request_token(client, sender["client_id"], sender["client_secret"])).json()
    wrong_scope = {"Authorization": f"Bearer {unscoped['access_token']}"}
    assert (await client.get(f"/api/v1/agency/{agency_id}/bills", headers=wrong_scope)).status_code == 403


async def test_support_sees_a_citizens_payments_with_each_event_refunds_and_receipts_and_is_recorded(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(140)
    agency_id, agency, issued, citizen, first = await pending_payment(sign_in, resources, national_id)
    await resources.pool.execute("UPDATE payments SET expires_at = now() - interval '5 minutes'")
    assert await expire_due_payments(resources.pool) == 1
    second = await _pay(client, citizen, issued, key="again")
    refund = await agency.post(
        "/api/v1/agency/refunds",
        json={"payment_id": second["id"], "amount_satang": 5000, "reason": "Charged for a meter twice"},
    )
    assert refund.status_code == 201, refund.text
    older = await _issue(agency, national_id, amount_satang=777)
    await _issue(agency, valid_national_id(141))  # someone else's bill
    me = (await citizen.get("/api/v1/me")).json()
    support = await sign_in(("support", None))

    looked_up = await support.get(f"/api/v1/support/citizens/{me['id']}/payments")
    assert looked_up.status_code == 200, looked_up.text
    assert national_id not in looked_up.text
    view = looked_up.json()
    assert (view["citizen_id"], view["national_id_masked"]) == (me["id"], mask_national_id(national_id))
    assert [b["id"] for b in view["bills"]] == [older["id"], issued["id"]]  # newest first, theirs only
    newer_bill, paid_bill = view["bills"]
    assert (newer_bill["status"], newer_bill["payments"], newer_bill["receipts"], newer_bill["refunds"]) == (
        "unpaid",
        [],
        [],
        [],
    )
    agency_name = await resources.pool.fetchval("SELECT name_en FROM agencies WHERE id = $1", agency_id)
    assert (paid_bill["status"], paid_bill["ref1"], paid_bill["agency_name_en"]) == (
        "paid",
        issued["ref1"],
        agency_name,
    )
    expired, succeeded = paid_bill["payments"]
    assert (expired["id"], expired["state"], succeeded["id"], succeeded["state"]) == (
        first["id"],
        "expired",
        second["id"],
        "success",
    )
    assert [(e["from_state"], e["state"], e["source"], e["reason"]) for e in expired["events"]] == [
        (None, "created", "citizen", None),
        ("created", "pending", "system", "QR shown"),
        ("pending", "expired", "system", "not paid in time"),
    ]
    assert [e["state"] for e in succeeded["events"]] == ["created", "pending", "success"]
    assert all(e["at"] for e in succeeded["events"])
    [receipt] = paid_bill["receipts"]
    [citizens_receipt] = (await citizen.get("/api/v1/receipts")).json()
    assert (receipt["id"], receipt["number"], receipt["payment_id"], receipt["amount_satang"]) == (
        citizens_receipt["id"],
        citizens_receipt["number"],
        second["id"],
        30000,
    )
    assert receipt["paid_at"]
    [refunded] = paid_bill["refunds"]
    assert (refunded["id"], refunded["payment_id"], refunded["amount_satang"], refunded["state"]) == (
        refund.json()["id"],
        second["id"],
        5000,
        "submitted",
    )

    [record] = (await citizen.get("/api/v1/me/data-access")).json()["items"]
    assert (record["actor_kind"], record["purpose_en"], record["outcome"]) == (
        "staff",
        "Support staff looked at your bills and payments",
        "ok",
    )
    assert record["fields_en"] == ["bills", "payments", "receipts"]
    staff = (await support.get("/api/v1/me")).json()
    assert await resources.pool.fetchval("SELECT actor_id FROM data_access_log") == staff["id"]


async def test_only_support_staff_look_up_a_citizens_payments_and_an_unknown_citizen_is_not_found(
    sign_in: SignIn, resources: Resources
) -> None:
    _, agency = await issuer(sign_in, resources)
    national_id = valid_national_id(150)
    await _issue(agency, national_id)
    citizen = await sign_in(national_id=national_id)
    me = (await citizen.get("/api/v1/me")).json()
    path = f"/api/v1/support/citizens/{me['id']}/payments"
    for refused in (citizen, agency):  # not even one's own payments, through the staff door
        answer = await refused.get(path)
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("application/problem+json")
    support = await sign_in(("support", None))
    unknown = await support.get(f"/api/v1/support/citizens/{uuid.uuid4()}/payments")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert (await citizen.get("/api/v1/me/data-access")).json()["items"] == []
    assert await resources.pool.fetchval("SELECT count(*) FROM data_access_log") == 0


async def _citizen_pages(citizen: httpx.AsyncClient, path: str, **params: Any) -> list[list[str]]:
    """The ids on each page of a citizen's list, following the Link header's rel="next" to the end."""
    pages: list[list[str]] = []
    url: str | None = path
    while url is not None:
        page = await citizen.get(url, params=params if url == path else None)
        assert page.status_code == 200, page.text
        pages.append([item["id"] for item in page.json()])
        url = page.links.get("next", {}).get("url")
    return pages


async def test_a_citizen_pages_through_bills_and_receipts_in_the_order_shown_without_gaps_or_repeats(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    national_id = valid_national_id(131)
    _, agency = await issuer(sign_in, resources)
    citizen = await sign_in(national_id=national_id)
    # Two bills share each due date, so a page boundary falls inside a day; three are paid.
    issued = [await _issue(agency, national_id, due_date=f"2027-01-{1 + n // 2:02d}") for n in range(9)]
    for n, paid in enumerate(issued[::3]):
        await _pay(client, citizen, paid, key=f"k{n}")

    everything = await citizen.get("/api/v1/bills", params={"limit": 200})
    assert "next" not in everything.links
    order = [item["id"] for item in everything.json()]
    statuses = [item["status"] for item in everything.json()]
    assert statuses == ["unpaid"] * 6 + ["paid"] * 3  # unpaid first, as the app shows them
    pages = await _citizen_pages(citizen, "/api/v1/bills", limit=2)
    assert [len(page) for page in pages] == [2, 2, 2, 2, 1]
    assert [bill_id for page in pages for bill_id in page] == order

    # A filter is kept from page to page.
    unpaid = await _citizen_pages(citizen, "/api/v1/bills", status="unpaid", limit=4)
    assert [bill_id for page in unpaid for bill_id in page] == order[:6]

    receipts = [item["id"] for item in (await citizen.get("/api/v1/receipts")).json()]
    assert len(receipts) == 3
    receipt_pages = await _citizen_pages(citizen, "/api/v1/receipts", limit=1)
    assert receipt_pages == [[receipt] for receipt in receipts]

    # Another citizen's list is empty, and a cursor that is not one of ours is a 400 naming the field.
    stranger = await sign_in(national_id=valid_national_id(132))
    assert (await stranger.get("/api/v1/bills")).json() == []
    for path in ("/api/v1/bills", "/api/v1/receipts"):
        refused = await citizen.get(path, params={"cursor": "bm90LWEtY3Vyc29y"})
        assert refused.status_code == 400, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert [error["field"] for error in refused.json()["errors"]] == ["cursor"]
