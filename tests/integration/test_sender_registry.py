"""The public sender registry: agencies' official channels, reviewed by a platform admin, open data."""

from __future__ import annotations

import csv
import io

from backend.core.resources import Resources
from tests.factories import make_agency
from tests.integration.conftest import SignIn


async def test_an_approved_entry_is_published_as_json_and_csv_and_a_returned_one_is_not(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved", name_en="Registry Department")
    agency_admin = await sign_in(("agency_admin", agency_id))
    platform = await sign_in(("platform_admin", None))

    added = await agency_admin.post(
        f"/api/v1/agency/{agency_id}/senders",
        json={
            "kind": "sms_sender",
            "value": "RegistryTH",
            "note_th": "แจ้งเตือนสิทธิ",
            "note_en": "Benefit alerts",
        },
    )
    assert added.status_code == 201, added.text
    assert added.json()["review_status"] == "pending"
    line = await agency_admin.post(
        f"/api/v1/agency/{agency_id}/senders", json={"kind": "line_official", "value": "@RegistryTH"}
    )
    assert line.status_code == 201, line.text
    assert line.json()["value"] == "@registryth"  # one spelling, so a duplicate is caught
    assert (await platform.get("/api/v1/open/senders")).json() == []  # nothing before review

    queue = (await platform.get("/api/v1/admin/sender-reviews")).json()
    assert {(e["kind"], e["agency_name_en"]) for e in queue} == {
        ("sms_sender", "Registry Department"),
        ("line_official", "Registry Department"),
    }
    approved = await platform.post(f"/api/v1/admin/senders/{added.json()['id']}/approve")
    assert approved.status_code == 200, approved.text
    returned = await platform.post(
        f"/api/v1/admin/senders/{line.json()['id']}/return", json={"comment": "ไม่พบบัญชีนี้ใน LINE"}
    )
    assert returned.status_code == 200, returned.text
    again = await platform.post(f"/api/v1/admin/senders/{line.json()['id']}/approve")
    assert again.status_code == 404  # a reviewed entry is no longer in the queue

    published = await platform.get("/api/v1/open/senders")
    assert published.headers["access-control-allow-origin"] == "*"
    [entry] = published.json()
    assert entry["agency_name_en"] == "Registry Department"
    assert entry["agency_name_th"].startswith("หน่วยงานทดสอบ")
    assert (entry["kind"], entry["value"], entry["note_th"]) == ("sms_sender", "RegistryTH", "แจ้งเตือนสิทธิ")

    as_csv = await platform.get("/api/v1/open/senders.csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text.lstrip("\ufeff"))))
    assert [(r["agency_name_th"], r["kind"], r["value"]) for r in rows] == [
        (entry["agency_name_th"], "sms_sender", "RegistryTH")
    ]

    mine = (await agency_admin.get(f"/api/v1/agency/{agency_id}/senders")).json()
    assert {e["review_status"]: e["review_comment"] for e in mine} == {
        "approved": None,
        "returned": "ไม่พบบัญชีนี้ใน LINE",
    }


async def test_a_suspended_agency_publishes_nothing_even_when_its_entry_is_approved(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    platform = await sign_in(("platform_admin", None))
    added = await admin.post(
        f"/api/v1/agency/{agency_id}/senders", json={"kind": "link_domain", "value": "x.go.th"}
    )
    assert (await platform.post(f"/api/v1/admin/senders/{added.json()['id']}/approve")).status_code == 200
    assert len((await platform.get("/api/v1/open/senders")).json()) == 1
    await resources.pool.execute("UPDATE agencies SET status = 'suspended' WHERE id = $1", agency_id)
    assert (await platform.get("/api/v1/open/senders")).json() == []


async def test_another_agencys_admin_and_an_editor_cannot_touch_the_entries(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    other_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    other_admin = await sign_in(("agency_admin", other_id))
    editor = await sign_in(("agency_editor", agency_id))
    entry = (
        await admin.post(
            f"/api/v1/agency/{agency_id}/senders", json={"kind": "phone", "value": "02-123-4567"}
        )
    ).json()

    assert (await other_admin.get(f"/api/v1/agency/{agency_id}/senders")).status_code == 403
    assert (await other_admin.delete(f"/api/v1/agency/{agency_id}/senders/{entry['id']}")).status_code == 403
    assert (
        await editor.post(f"/api/v1/agency/{agency_id}/senders", json={"kind": "phone", "value": "1300"})
    ).status_code == 403
    # through its own agency's path, the other admin still cannot reach this agency's entry
    assert (await other_admin.delete(f"/api/v1/agency/{other_id}/senders/{entry['id']}")).status_code == 404
    assert (await other_admin.post(f"/api/v1/admin/senders/{entry['id']}/approve")).status_code == 403

    [kept] = (await admin.get(f"/api/v1/agency/{agency_id}/senders")).json()
    assert kept["id"] == entry["id"]
    assert (await admin.delete(f"/api/v1/agency/{agency_id}/senders/{entry['id']}")).status_code == 204
    assert (await admin.get(f"/api/v1/agency/{agency_id}/senders")).json() == []


async def test_values_are_checked_by_kind_and_a_duplicate_is_a_conflict(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", agency_id))
    path = f"/api/v1/agency/{agency_id}/senders"
    for kind, value in [
        ("sms_sender", "TwelveLetter"),  # 12 characters: longer than an SMS sender name can be
        ("link_domain", "https://x.go.th/path"),
        ("email", "not-an-email"),
        ("line_official", "no-at-sign"),
        ("phone", "call us"),
    ]:
        refused = await admin.post(path, json={"kind": kind, "value": value})
        assert refused.status_code == 400, (kind, value, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in refused.json()["errors"]] == ["value"]
    assert (await admin.post(path, json={"kind": "link_domain", "value": "Welfare.GO.th"})).status_code == 201
    duplicate = await admin.post(path, json={"kind": "link_domain", "value": "welfare.go.th"})
    assert duplicate.status_code == 409
