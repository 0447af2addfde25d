"""Connectors reach citizens only once a platform admin has approved them; a change to a live one's
address, purpose, data items or consent rule waits for review while the approved version serves."""

from __future__ import annotations

from typing import Any

import httpx

from backend.core.resources import Resources
from tests.factories.agencies import make_agency
from tests.helpers.agency_clients import new_client, request_token
from tests.helpers.connectors import agency_with, approve_connectors, connector
from tests.integration.conftest import SignIn

MALEE = "1100700945129"  # a new mother among the demo people


async def _purposes(citizen: Any) -> list[str]:
    page = (await citizen.get("/api/v1/entitlements", params={"lang": "en", "refresh": "true"})).json()
    return [result["purpose"] for result in page["agencies"]]


async def test_a_new_connector_waits_for_review_and_the_reviewer_sees_what_it_asks_for(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    body = connector(agencies_url, "health", consent_required=True, consent_days=90)
    agency_id, admin, [connector_id] = await agency_with(sign_in, resources, [body], approve=False)
    [listed] = (await admin.get(f"/api/v1/agency/{agency_id}/connectors")).json()
    assert listed["status"] == "pending"
    citizen = await sign_in(national_id=MALEE)
    assert await _purposes(citizen) == []  # no citizen's ID goes to an unreviewed address
    assert (await admin.get("/api/v1/admin/connector-reviews")).status_code == 403

    reviewer = await sign_in(("platform_admin", None))
    [waiting] = (await reviewer.get("/api/v1/admin/connector-reviews")).json()
    assert waiting["connector_id"] == connector_id
    assert waiting["kind"] == "new"
    assert waiting["live"] is None
    assert waiting["submitted_by_th"] is not None or waiting["submitted_by_en"] is not None
    proposed = waiting["proposed"]
    assert proposed["base_url"] == f"{agencies_url}/health"
    consent = (proposed["auth_kind"], proposed["consent_required"], proposed["consent_days"])
    assert consent == ("none", True, 90)
    assert proposed["purpose_th"] == body["purpose_th"]
    assert proposed["fields_th"] == ["สถานะ"]

    returned = await reviewer.post(f"/api/v1/admin/connectors/{connector_id}/return", json={"comment": ""})
    assert returned.status_code == 400  # a return says why
    returned = await reviewer.post(
        f"/api/v1/admin/connectors/{connector_id}/return", json={"comment": "ระบุข้อมูลที่ขอให้ชัดเจน"}
    )
    assert returned.status_code == 200
    [listed] = (await admin.get(f"/api/v1/agency/{agency_id}/connectors")).json()
    assert (listed["status"], listed["review_comment"]) == ("returned", "ระบุข้อมูลที่ขอให้ชัดเจน")
    assert (await reviewer.get("/api/v1/admin/connector-reviews")).json() == []
    assert (await reviewer.post(f"/api/v1/admin/connectors/{connector_id}/approve")).status_code == 404

    fixed = {**body, "fields_th": ["สถานะสิทธิ"], "fields_en": ["entitlement status"]}
    resent = await admin.put(f"/api/v1/agency/{agency_id}/connectors/{connector_id}", json=fixed)
    assert (resent.json()["status"], resent.json()["review_comment"]) == ("pending", None)
    await approve_connectors(sign_in, connector_id)
    assert await _purposes(citizen) == [body["purpose_en"]]


async def test_a_changed_live_connector_keeps_serving_its_approved_version_until_the_change_is_approved(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    body = connector(agencies_url, "health")
    agency_id, admin, [connector_id] = await agency_with(sign_in, resources, [body])
    citizen = await sign_in(national_id=MALEE)
    assert await _purposes(citizen) == [body["purpose_en"]]
    url = f"/api/v1/agency/{agency_id}/connectors/{connector_id}"

    # Only labels and timings change at once.
    relabelled = await admin.put(url, json={**body, "title_en": "Health", "timeout_ms": 900})
    assert (relabelled.json()["status"], relabelled.json()["change_in_review"]) == ("active", None)

    changed = {**body, "title_en": "Health", "purpose_en": "Check your health coverage"}
    held = (await admin.put(url, json=changed)).json()
    assert held["status"] == "active"
    assert held["purpose_en"] == body["purpose_en"]  # what citizens still see
    assert held["change_in_review"]["review_comment"] is None
    # The change's own values, for the agency's form to edit from (no secret among them).
    proposed = held["change_in_review"]["proposed"]
    assert (proposed["purpose_en"], proposed["title_en"]) == ("Check your health coverage", "Health")
    assert not {"api_key", "secret_ciphertext", "secret_key_id"} & proposed.keys()
    assert await _purposes(citizen) == [body["purpose_en"]]

    reviewer = await sign_in(("platform_admin", None))
    [waiting] = (await reviewer.get("/api/v1/admin/connector-reviews")).json()
    assert waiting["kind"] == "change"
    assert (waiting["live"]["purpose_en"], waiting["proposed"]["purpose_en"]) == (
        body["purpose_en"],
        "Check your health coverage",
    )
    returned = await reviewer.post(
        f"/api/v1/admin/connectors/{connector_id}/return", json={"comment": "ไม่ชัด"}
    )
    assert returned.status_code == 200
    [listed] = (await admin.get(f"/api/v1/agency/{agency_id}/connectors")).json()
    assert (listed["status"], listed["change_in_review"]["review_comment"]) == ("active", "ไม่ชัด")
    assert await _purposes(citizen) == [body["purpose_en"]]  # still serving as approved

    moved = {**changed, "base_url": f"{agencies_url}/social-security"}
    assert (await admin.put(url, json=moved)).json()["change_in_review"]["review_comment"] is None
    await approve_connectors(sign_in, connector_id)
    [listed] = (await admin.get(f"/api/v1/agency/{agency_id}/connectors")).json()
    assert (listed["base_url"], listed["change_in_review"]) == (moved["base_url"], None)
    assert await _purposes(citizen) == ["Check your health coverage"]
    assert (await reviewer.get("/api/v1/admin/connector-reviews")).json() == []


async def test_the_reviewer_reads_the_name_of_the_agency_system_that_sent_a_connector(
    sign_in: SignIn, resources: Resources, agencies_url: str, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    issued = await new_client(admin, agency_id, ["connectors"])
    token = (await request_token(client, issued["client_id"], issued["client_secret"])).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    sent = await client.post(
        f"/api/v1/agency/{agency_id}/connectors", json=connector(agencies_url, "health"), headers=bearer
    )
    assert sent.status_code == 201, sent.text
    reviewer = await sign_in(("platform_admin", None))
    [waiting] = (await reviewer.get("/api/v1/admin/connector-reviews")).json()
    assert (waiting["submitted_by_th"], waiting["submitted_by_en"]) == (None, None)
    assert waiting["submitted_by_client"] == "Billing system"
