"""Who accessed my data and my entitlements, as the citizen reads them: every record in Thai and
English, repeated calls grouped so that a staff look-up stays in sight, paged and filtered by kind and
agency; fees never offered as something the citizen "may be eligible" for."""

from __future__ import annotations

import json
from typing import Any

import httpx

from backend.core.resources import Resources
from tests.helpers.connectors import agency_with, connector, cool_down_over
from tests.helpers.notifications import new_device, received, run_until_idle
from tests.integration.conftest import SignIn

MALEE = "1100700945129"  # a new mother among the demo people


async def _refreshed(citizen: httpx.AsyncClient, resources: Resources) -> None:
    await cool_down_over(resources)
    assert (await citizen.get("/api/v1/entitlements", params={"refresh": "true"})).status_code == 200


async def _page(citizen: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    answer = await citizen.get("/api/v1/me/data-access", params=params)
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


async def test_the_record_is_bilingual_grouped_paged_and_filtered(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    agency_id, _, _ = await agency_with(
        sign_in, resources, [connector(agencies_url, "health"), connector(agencies_url, "social-security")]
    )
    citizen = await sign_in(national_id=MALEE)
    support = await sign_in(("support", None))
    await citizen.get("/api/v1/entitlements")
    await _refreshed(citizen, resources)  # four calls: the first run
    found = await support.post("/api/v1/support/citizens/find", json={"national_id": MALEE})
    assert found.status_code == 200, found.text
    await _refreshed(citizen, resources)
    await _refreshed(citizen, resources)  # four more: the second run

    first = await _page(citizen, limit=1)
    assert [(row["kind"], row["count"]) for row in first["items"]] == [("agency_call", 2)] * 2
    assert {row["purpose_th"] for row in first["items"]} == {
        "แสดงสิทธิ health ของคุณในแอป",
        "แสดงสิทธิ social-security ของคุณในแอป",
    }
    assert all(row["fields_th"] == ["สถานะ"] and row["fields_en"] == ["status"] for row in first["items"])
    assert all(row["first_at"] < row["at"] for row in first["items"])

    # The staff look-up is the next entry, not behind eight routine calls.
    second = await _page(citizen, limit=1, before=first["next_before"])
    [look] = second["items"]
    assert (look["kind"], look["actor_kind"], look["count"]) == ("staff_lookup", "staff", 1)
    assert look["purpose_th"] == "เจ้าหน้าที่ค้นหาคุณด้วยเลขประจำตัวประชาชน"
    assert look["purpose_en"] == "Support staff looked you up by your national ID"
    assert look["fields_th"] == ["เลขประจำตัวประชาชน (ปิดบางส่วน)"]

    third = await _page(citizen, limit=1, before=second["next_before"])
    assert [row["count"] for row in third["items"]] == [2, 2]
    assert third["next_before"] is None

    # Filtered: by kind, and by agency (the calls alone, then one run: four calls to each connector).
    only_staff = await _page(citizen, kind="staff_lookup")
    assert [row["id"] for row in only_staff["items"]] == [look["id"]]
    by_agency = await _page(citizen, agency_id=agency_id)
    assert [row["count"] for row in by_agency["items"]] == [4, 4]
    assert [agency["id"] for agency in by_agency["agencies"]] == [agency_id]
    assert (await citizen.get("/api/v1/me/data-access", params={"kind": "everything"})).status_code == 400


async def test_fees_benefits_and_statuses_are_told_apart(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    await agency_with(
        sign_in,
        resources,
        [connector(agencies_url, name) for name in ("credit-bureau", "child-support", "health")],
    )
    citizen = await sign_in(national_id=MALEE)
    page = (await citizen.get("/api/v1/entitlements", params={"lang": "th"})).json()
    kinds = {
        item["scheme_id"]: (item["kind"], item["status"])
        for agency in page["agencies"]
        for item in agency["entitlements"]
    }
    assert kinds == {
        "credit-report": ("fee", "eligible_not_enrolled"),
        "child-support-grant": ("benefit", "eligible_not_enrolled"),
        "uc-scheme": ("status", "receiving"),
    }
    # "You may be eligible" is for benefits only: the fee-paying credit report is not among them.
    assert [item["scheme_id"] for item in page["eligible_not_enrolled"]] == ["child-support-grant"]


async def test_a_fee_newly_open_to_the_citizen_is_not_news_but_a_benefit_is(
    sign_in: SignIn, resources: Resources, agencies_url: str, push_service: str
) -> None:
    """A "you may be eligible" message (inbox and push) is for benefits: two fee-paying services newly open to
    the citizen tell her nothing; a benefit newly open to her is told once, in the inbox and pushed."""
    await agency_with(
        sign_in, resources, [connector(agencies_url, name) for name in ("credit-bureau", "education")]
    )
    citizen = await sign_in(national_id=MALEE)
    device = await new_device(push_service)
    subscribed = await citizen.post(
        "/api/v1/push/subscriptions", json={"endpoint": device["endpoint"], "keys": device["keys"]}
    )
    assert subscribed.status_code == 201, subscribed.text
    await _refreshed(citizen, resources)
    await run_until_idle(resources)
    states = await resources.pool.fetch("SELECT scheme_id, status FROM entitlement_states ORDER BY scheme_id")
    assert [(row["scheme_id"], row["status"]) for row in states] == [
        ("certificate-replacement", "eligible_not_enrolled"),
        ("credit-report", "eligible_not_enrolled"),
    ]  # both are new to her and open to her: fees, so nothing is said
    assert (await citizen.get("/api/v1/inbox")).json()["items"] == []
    assert await received(push_service, device["device_id"]) == []

    await agency_with(sign_in, resources, [connector(agencies_url, "child-support")])
    await _refreshed(citizen, resources)
    await run_until_idle(resources)
    [told] = (await citizen.get("/api/v1/inbox")).json()["items"]
    assert (told["title_en"], told["url"]) == ("You may be eligible: Child support grant", "/entitlements")
    [pushed] = await received(push_service, device["device_id"])
    assert json.loads(pushed["payload"])["title_en"] == "You may be eligible: Child support grant"


async def test_consent_terms_say_agency_data_purpose_and_duration_in_both_languages(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    agency_id, admin, [connector_id] = await agency_with(
        sign_in,
        resources,
        [connector(agencies_url, "credit-bureau", consent_required=True, consent_days=90)],
    )
    citizen = await sign_in(national_id=MALEE)
    terms = (await citizen.get(f"/api/v1/me/consents/terms/{connector_id}")).json()
    assert (terms["purpose_th"], terms["fields_th"], terms["consent_days"], terms["consent"]) == (
        "แสดงสิทธิ credit-bureau ของคุณในแอป",
        ["สถานะ"],
        90,
        None,
    )
    assert terms["agency_name_th"] != terms["agency_name_en"]
    given = (await citizen.post("/api/v1/me/consents", json={"connector_id": connector_id})).json()
    again = (await citizen.get(f"/api/v1/me/consents/terms/{connector_id}")).json()
    assert again["consent"]["id"] == given["id"]
    assert (await citizen.get("/api/v1/me/consents/terms/999999")).status_code == 404
    # Data items are named in both languages, item for item.
    uneven = connector(agencies_url, "health", fields_th=["ก", "ข"], fields_en=["a"])
    refused = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=uneven)
    assert refused.status_code == 400
    assert "fields_th and fields_en" in refused.text
    assert [error["field"] for error in refused.json()["errors"]] == ["fields_en"]
