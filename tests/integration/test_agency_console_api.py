"""What the agency console needs of the API beyond issuing and listing: the agency's own biller IDs,
cancelling an unpaid bill (and the QR already on the citizen's phone with it), retiring a tile with a
reason, how many citizens an audience reaches before a campaign is sent, "in the inbox only (no
device)" told apart from a failure, and a connector's test call and health."""

from __future__ import annotations

import datetime as dt

import httpx

from backend.core.resources import Resources
from tests.factories import make_agency, valid_national_id
from tests.helpers.catalogue import tile
from tests.helpers.connectors import agency_with, connector, control
from tests.helpers.notifications import PARAMS, TEMPLATE, run_until_idle, send
from tests.helpers.payments import DEFAULT_BILLER, bill, callback, pending_payment, post_callback
from tests.integration.conftest import SignIn

SOMCHAI = "3101200581231"  # retired, 68: the demo elderly allowance answers "receiving"


async def test_an_agency_cancels_an_unpaid_bill_and_the_qr_on_the_phone_stops_with_it_but_not_a_paid_one(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id, agency, issued, citizen, payment = await pending_payment(
        sign_in, resources, valid_national_id(1)
    )
    assert (await agency.get(f"/api/v1/agency/{agency_id}/billers")).json() == [DEFAULT_BILLER]

    cancelled = await agency.post(f"/api/v1/agency/{agency_id}/bills/{issued['id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    events = await resources.pool.fetch(
        "SELECT from_state, to_state, source FROM payment_events WHERE payment_id = $1::uuid ORDER BY id",
        payment["id"],
    )
    assert tuple(events[-1]) == (payment["state"], "cancelled", "system")
    assert (await citizen.get(f"/api/v1/payments/{payment['id']}")).json()["state"] == "cancelled"
    # Money that still arrives for it is kept for support staff, never taken as payment.
    assert (await post_callback(client, callback(issued))).json()["outcome"] == "exception"
    again = await agency.post(f"/api/v1/agency/{agency_id}/bills/{issued['id']}/cancel")
    assert again.status_code == 409

    # A paid bill is refunded, not cancelled.
    paid = (await agency.post("/api/v1/agency/bills", json=bill(valid_national_id(1)))).json()
    started = await citizen.post(f"/api/v1/bills/{paid['id']}/payments", json={"idempotency_key": "2"})
    assert started.status_code == 201, started.text
    assert (await post_callback(client, callback(paid))).json()["outcome"] == "paid"
    refused = await agency.post(f"/api/v1/agency/{agency_id}/bills/{paid['id']}/cancel")
    assert refused.status_code == 409
    assert "refund" in refused.json()["detail"]


async def test_a_retired_tile_keeps_its_reason_with_the_tile_and_in_its_review_record(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    editor = await sign_in(("agency_editor", agency_id))
    made = (await editor.post(f"/api/v1/agency/{agency_id}/tiles", json=tile())).json()
    reason = "ย้ายไปให้บริการที่ระบบใหม่"
    retired = await editor.post(
        f"/api/v1/agency/{agency_id}/tiles/{made['id']}/retire", json={"reason": reason}
    )
    assert retired.status_code == 200, retired.text
    assert (retired.json()["state"], retired.json()["review_comment"]) == ("retired", reason)
    recorded = await resources.pool.fetchval(
        "SELECT comment FROM tile_reviews WHERE tile_id = $1 AND action = 'retired'", made["id"]
    )
    assert recorded == reason
    empty = await editor.post(f"/api/v1/agency/{agency_id}/tiles/{made['id']}/retire", json={"reason": ""})
    assert empty.status_code == 400


async def test_a_sender_sees_how_many_an_audience_reaches_and_the_inbox_only_is_not_a_failure(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    assert (
        await sender.post(f"/api/v1/agency/{agency_id}/notification-templates", json=TEMPLATE)
    ).status_code == 201
    # Three citizens of 70, with no device; one of 20.
    today = dt.date.today()
    for seed, age in ((11, 70), (12, 70), (13, 70), (14, 20)):
        await sign_in(
            national_id=valid_national_id(seed), birthdate=today.replace(year=today.year - age, day=1)
        )
    older = {"kind": "age-range", "min_age": 60, "max_age": 120}
    reach = await sender.post(
        f"/api/v1/agency/{agency_id}/notification-campaigns/reach", json={"audience": older}
    )
    assert reach.status_code == 200, reach.text
    expected = await resources.pool.fetchval(
        "SELECT count(*) FROM citizens WHERE birthdate <= (now() AT TIME ZONE 'Asia/Bangkok')::date"
        " - make_interval(years => 60)"
    )
    assert expected == 3
    assert reach.json() == {"citizens": expected}

    one = await sender.post("/api/v1/agency/notifications", json=send(valid_national_id(11)))
    await run_until_idle(resources)
    status = (await sender.get(f"/api/v1/agency/{agency_id}/notifications/{one.json()['id']}")).json()
    assert (status["status"], status["inbox_only"]) == ("permanent-failure", True)

    body = {"audience": older, "template": "bill-due", "params": PARAMS, "idempotency_key": "older"}
    campaign = (await sender.post("/api/v1/agency/notification-campaigns", json=body)).json()
    await run_until_idle(resources)
    progress = (
        await sender.get(f"/api/v1/agency/{agency_id}/notification-campaigns/{campaign['id']}")
    ).json()
    assert progress["recipients"] == expected
    assert progress["inbox_only"] == progress["counts"].get("permanent-failure", 0) == expected


async def test_an_agency_tests_its_connector_with_a_national_id_and_reads_its_health(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    agency_id, admin, [connector_id] = await agency_with(
        sign_in, resources, [connector(agencies_url, "elderly")]
    )
    url = f"/api/v1/agency/{agency_id}/connectors/{connector_id}"
    tested = await admin.post(f"{url}/test", json={"national_id": SOMCHAI})
    assert tested.status_code == 200, tested.text
    answer = tested.json()
    assert (answer["ok"], answer["outcome"], answer["reason_en"]) == (True, "ok", None)
    assert answer["entitlements"][0]["status"] == "receiving"
    assert answer["latency_ms"] >= 0
    # A test call is the agency's own: no citizen's record has it.
    assert await resources.pool.fetchval("SELECT count(*) FROM data_access_log") == 0

    await control(agencies_url, "elderly", "fail")
    try:
        for _ in range(5):
            failed = (await admin.post(f"{url}/test", json={"national_id": SOMCHAI})).json()
        assert (failed["ok"], failed["outcome"]) == (False, "error_status")
        assert failed["reason_th"] == "ระบบของหน่วยงานขัดข้อง"
        health = (await admin.get(f"{url}/health")).json()
        assert health["circuit"] == "open"
        assert health["latency_samples"] == 1  # answered calls only
        assert health["latency_median_ms"] == health["latency_p95_ms"] <= answer["latency_ms"]
        # A test is made even while the breaker is open, and an answer closes it.
        await control(agencies_url, "elderly", "ok")
        assert (await admin.post(f"{url}/test", json={"national_id": SOMCHAI})).json()["ok"] is True
        assert (await admin.get(f"{url}/health")).json()["circuit"] == "closed"
    finally:
        await control(agencies_url, "elderly", "ok")

    citizen = await sign_in(national_id=SOMCHAI)
    await citizen.get("/api/v1/entitlements")
    health = (await admin.get(f"{url}/health")).json()
    assert (health["calls_24h"], health["failures_24h"], health["last_failure_at"]) == (1, 0, None)
    assert health["last_ok_at"] is not None
    assert health["latency_samples"] == 3
    bad = await admin.post(f"{url}/test", json={"national_id": "3101200581230"})
    assert bad.status_code == 400


async def test_a_template_takes_a_named_category_and_another_word_is_refused_beside_its_field(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    templates = f"/api/v1/agency/{agency_id}/notification-templates"
    refused = await sender.post(templates, json={**TEMPLATE, "key": "news", "category": "flood-news"})
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in refused.json()["errors"]] == ["category"]
    taken = await sender.post(templates, json={**TEMPLATE, "key": "news", "category": "health"})
    assert taken.status_code == 201, taken.text
    assert taken.json()["category"] == "health"
