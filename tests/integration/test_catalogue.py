"""Agencies, the tile workflow and its permissions, the citizens' catalogue and the open-data export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx

from backend.catalogue.published import Catalogue
from backend.core.resources import Resources
from tests.factories import make_agency
from tests.helpers.catalogue import tile
from tests.helpers.shared import eventually, listening
from tests.integration.conftest import SignIn


async def _published(
    admin: httpx.AsyncClient, editor: httpx.AsyncClient, agency_id: int, **content: Any
) -> int:
    created = await editor.post(f"/api/v1/agency/{agency_id}/tiles", json=tile(**content))
    assert created.status_code == 201, created.text
    tile_id: int = created.json()["id"]
    assert (await editor.post(f"/api/v1/agency/{agency_id}/tiles/{tile_id}/submit")).status_code == 200
    assert (await admin.post(f"/api/v1/admin/tiles/{tile_id}/publish")).status_code == 200
    return tile_id


def _titles(catalogue: dict[str, Any]) -> list[str]:
    return sorted({t["title"] for group in catalogue["categories"] for t in group["tiles"]})


async def test_a_tile_goes_from_draft_through_review_to_citizens_and_keeps_every_version(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    editor = await sign_in(("agency_editor", agency_id))
    admin = await sign_in(("platform_admin", None))

    created = await editor.post(f"/api/v1/agency/{agency_id}/tiles", json=tile())
    assert created.status_code == 201, created.text
    tile_id = created.json()["id"]
    assert created.json()["state"] == "draft"
    assert _titles((await client.get("/api/v1/tiles")).json()) == []

    submitted = await editor.post(f"/api/v1/agency/{agency_id}/tiles/{tile_id}/submit")
    assert submitted.json()["state"] == "in_review"
    assert (await editor.put(f"/api/v1/agency/{agency_id}/tiles/{tile_id}", json=tile())).status_code == 409
    assert [t["id"] for t in (await admin.get("/api/v1/admin/tile-reviews")).json()] == [tile_id]

    returned = await admin.post(f"/api/v1/admin/tiles/{tile_id}/return", json={"comment": "Add the age rule"})
    assert returned.json()["state"] == "draft"
    assert returned.json()["review_comment"] == "Add the age rule"

    second = await editor.put(f"/api/v1/agency/{agency_id}/tiles/{tile_id}", json=tile(audience_min_age=60))
    assert second.json()["draft_version"] == 2
    await editor.post(f"/api/v1/agency/{agency_id}/tiles/{tile_id}/submit")
    published = await admin.post(f"/api/v1/admin/tiles/{tile_id}/publish")
    assert published.json()["state"] == "published"
    assert published.json()["published_version"] == 2
    assert _titles((await client.get("/api/v1/tiles")).json()) == ["เบี้ยยังชีพผู้สูงอายุ"]
    assert _titles((await client.get("/api/v1/tiles", params={"lang": "en"})).json()) == ["Elderly allowance"]

    # A newer draft does not touch what citizens see until it is published.
    third = await editor.put(
        f"/api/v1/agency/{agency_id}/tiles/{tile_id}", json=tile(title_en="Old-age allowance")
    )
    assert third.json()["state"] == "draft"
    assert third.json()["published"]["title_en"] == "Elderly allowance"
    assert _titles((await client.get("/api/v1/tiles", params={"lang": "en"})).json()) == ["Elderly allowance"]
    versions = (await editor.get(f"/api/v1/agency/{agency_id}/tiles/{tile_id}/versions")).json()
    assert [v["version"] for v in versions] == [3, 2, 1]

    retired = await editor.post(f"/api/v1/agency/{agency_id}/tiles/{tile_id}/retire")
    assert retired.json()["state"] == "retired"
    assert _titles((await client.get("/api/v1/tiles")).json()) == []
    actions = [
        row["action"] for row in await resources.pool.fetch("SELECT action FROM tile_reviews ORDER BY id")
    ]
    assert actions == ["submitted", "returned", "submitted", "published", "retired"]


async def test_an_agency_never_touches_another_agencys_tiles(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    water = await make_agency(resources.pool, status="approved")
    power = await make_agency(resources.pool, status="approved")
    water_editor = await sign_in(("agency_editor", water))
    power_editor = await sign_in(("agency_editor", power))
    power_sender = await sign_in(("agency_sender", power))
    tile_id = (await water_editor.post(f"/api/v1/agency/{water}/tiles", json=tile())).json()["id"]

    assert (await power_editor.get(f"/api/v1/agency/{water}/tiles")).status_code == 403
    assert (await power_editor.put(f"/api/v1/agency/{water}/tiles/{tile_id}", json=tile())).status_code == 403
    assert (await power_editor.post(f"/api/v1/agency/{water}/tiles/{tile_id}/submit")).status_code == 403
    # Its own agency in the path does not reach another agency's tile either.
    assert (await power_editor.put(f"/api/v1/agency/{power}/tiles/{tile_id}", json=tile())).status_code == 404
    assert (await power_editor.get(f"/api/v1/agency/{power}/tiles/{tile_id}/versions")).status_code == 404
    sender_try = await power_sender.post(f"/api/v1/agency/{power}/tiles", json=tile())
    assert sender_try.status_code == 403, sender_try.text
    assert (await water_editor.post(f"/api/v1/admin/tiles/{tile_id}/publish")).status_code == 403
    assert (await client.get(f"/api/v1/agency/{water}/tiles")).status_code == 401


async def test_an_agency_system_with_the_tiles_scope_manages_its_own_tiles(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    water = await make_agency(resources.pool, status="approved")
    power = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("agency_admin", water))
    issued = (
        await admin.post(f"/api/v1/agency/{water}/clients", json={"name": "CMS", "scopes": ["tiles"]})
    ).json()
    token = (
        await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(issued["client_id"], issued["client_secret"]),
        )
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    created = await client.post(f"/api/v1/agency/{water}/tiles", json=tile(), headers=bearer)
    assert created.status_code == 201
    submitted = await client.post(
        f"/api/v1/agency/{water}/tiles/{created.json()['id']}/submit", headers=bearer
    )
    assert submitted.status_code == 200
    recorded = await resources.pool.fetchval("SELECT agency_client FROM tile_reviews")
    assert recorded == issued["client_id"]
    # The reviewer reads which system sent it, by its name, not "unknown".
    reviewer = await sign_in(("platform_admin", None))
    [waiting] = (await reviewer.get("/api/v1/admin/tile-reviews")).json()
    assert (waiting["submitted_by_th"], waiting["submitted_by_client"]) == (None, "CMS")
    assert (
        await client.post(f"/api/v1/agency/{power}/tiles", json=tile(), headers=bearer)
    ).status_code == 403


async def test_tile_content_is_checked_and_each_problem_names_its_field(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    editor = await sign_in(("agency_editor", agency_id))
    url = f"/api/v1/agency/{agency_id}/tiles"
    cases = {
        "link_url": [tile(link_url=None), tile(link_url="http://plain.example"), tile(kind="bill_payment")],
        "title_th": [tile(title_th="สวัสดิการ\u202eเท็จ"), tile(title_th="")],
        "audience_max_age": [tile(audience_min_age=60, audience_max_age=18)],
        "category": [tile(category="lottery")],
        "icon": [tile(icon="<svg onload=x>")],
    }
    for field, bodies in cases.items():
        for body in bodies:
            response = await editor.post(url, json=body)
            assert response.status_code == 400, (field, body)
            assert field in [error["field"] for error in response.json()["errors"]], response.json()
    thai_marks = await editor.post(url, json=tile(title_th="บัตรสวัสดิการแห่งรัฐ ผู้มีรายได้น้อย"))
    assert thai_marks.status_code == 201
    pending = await make_agency(resources.pool, status="pending")
    pending_editor = await sign_in(("agency_editor", pending))
    assert (
        await pending_editor.post(f"/api/v1/agency/{pending}/tiles", json=tile())
    ).status_code == 403  # roles at an agency not (yet) approved count for nothing


async def test_citizens_search_filter_and_see_favourites_and_recent_first(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    editor = await sign_in(("agency_editor", agency_id))
    admin = await sign_in(("platform_admin", None))
    elderly = await _published(admin, editor, agency_id, audience_min_age=60)
    newborn = await _published(
        admin, editor, agency_id, title_th="เงินอุดหนุนเด็กแรกเกิด", title_en="Child Support Grant",
        category="family", life_events=["newborn"], kind="entitlement", link_url=None,
    )  # fmt: skip
    await _published(admin, editor, agency_id, title_th="ชำระค่าน้ำประปา", title_en="Pay water bill",
                     category="utilities", life_events=[], kind="bill_payment", link_url=None)  # fmt: skip

    anonymous = (await client.get("/api/v1/tiles", params={"lang": "en"})).json()
    assert anonymous["total"] == 3
    assert anonymous["favourites"] == anonymous["recent"] == []
    assert [g["key"] for g in anonymous["categories"]] == ["welfare", "family", "utilities"]
    # The water bill has no life event: it is under "other" rather than missing from the view.
    by_life_event = {g["key"]: (g["label"], len(g["tiles"])) for g in anonymous["life_events"]}
    assert by_life_event == {
        "newborn": ("Having a baby", 1), "retirement": ("Retiring", 1), "other": ("Other", 1),
    }  # fmt: skip
    thai = (await client.get("/api/v1/tiles", params={"lang": "th"})).json()
    assert thai["life_events"][-1]["label"] == "อื่น ๆ"

    async def titles(**params: str) -> list[str]:
        return _titles((await client.get("/api/v1/tiles", params={"lang": "en", **params})).json())

    assert await titles(q="แรกเกิด") == ["Child Support Grant"]  # Thai substring, no word breaks
    assert await titles(q="child support") == ["Child Support Grant"]  # English, any case
    assert await titles(category="utilities") == ["Pay water bill"]
    assert await titles(life_event="retirement") == ["Elderly allowance"]
    assert (await client.get("/api/v1/tiles", params={"category": "lottery"})).status_code == 400

    young = await sign_in()  # no birthdate known: every audience shown
    await resources.pool.execute("UPDATE citizens SET birthdate = '1995-01-01'")
    assert _titles((await young.get("/api/v1/tiles", params={"lang": "en"})).json()) == [
        "Child Support Grant",
        "Pay water bill",
    ]  # the elderly allowance is for 60 and over
    assert (await young.put(f"/api/v1/tiles/{newborn}/favourite")).status_code == 204
    opened = await young.post(f"/api/v1/tiles/{newborn}/open")
    assert opened.json() == {"id": newborn, "kind": "entitlement", "link_url": None}
    mine = (await young.get("/api/v1/tiles", params={"lang": "en"})).json()
    assert [t["id"] for t in mine["favourites"]] == [newborn]
    assert [t["id"] for t in mine["recent"]] == [newborn]
    assert (await young.put(f"/api/v1/tiles/{elderly + 999}/favourite")).status_code == 404
    assert (await young.delete(f"/api/v1/tiles/{newborn}/favourite")).status_code == 204
    assert (await young.get("/api/v1/tiles")).json()["favourites"] == []


async def test_search_finds_everyday_words_typos_and_thai_without_spaces_once_reviewed(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    editor = await sign_in(("agency_editor", agency_id))
    admin = await sign_in(("platform_admin", None))
    # Keywords (the topic's words) and synonyms (other names for the service) are searched alike.
    await _published(
        admin, editor, agency_id, keywords=["เบี้ยผู้สูงอายุ"], synonyms=["เบี้ยคนแก่", "old age allowance"]
    )
    health = await _published(
        admin, editor, agency_id, title_th="สิทธิหลักประกันสุขภาพถ้วนหน้า", title_en="Universal health coverage",
        description_th="รักษาฟรีที่โรงพยาบาลรัฐใกล้บ้าน", description_en="Free care at public hospitals",
        category="health", life_events=[], keywords=["30 บาทรักษาทุกโรค"], synonyms=["บัตรทอง", "gold card"],
    )  # fmt: skip
    await _published(
        admin, editor, agency_id, title_th="บัตรสวัสดิการแห่งรัฐ", title_en="State welfare card",
        description_th="", description_en="", life_events=[],
        keywords=["Welfare card"], synonyms=["บัตรคนจน", " บัตรคนจน "],
    )  # fmt: skip

    async def titles(q: str, lang: str = "th") -> list[str]:
        answer = (await client.get("/api/v1/tiles", params={"lang": lang, "q": q})).json()
        return [t["title"] for group in answer["categories"] for t in group["tiles"]]

    # The words people say, not the agencies' titles.
    assert await titles("บัตรทอง") == ["สิทธิหลักประกันสุขภาพถ้วนหน้า"]
    assert await titles("บัตรคนจน") == ["บัตรสวัสดิการแห่งรัฐ"]
    assert await titles("เบี้ยคนแก่") == ["เบี้ยยังชีพผู้สูงอายุ"]
    assert await titles("gold card", "en") == ["Universal health coverage"]
    # Typos: a wrong vowel mark, a wrong consonant, English slips.
    assert await titles("เบี้ยคนแกู่") == ["เบี้ยยังชีพผู้สูงอายุ"]
    assert await titles("เบี้ยยังชีบ") == ["เบี้ยยังชีพผู้สูงอายุ"]
    assert await titles("old age alowance", "en") == ["Elderly allowance"]
    assert await titles("helth coverage", "en") == ["Universal health coverage"]
    # Thai written without spaces, and a phrase found inside a longer one.
    assert await titles("30บาทรักษาทุกโรค") == ["สิทธิหลักประกันสุขภาพถ้วนหน้า"]
    assert await titles("โรงพยาบาลรัฐ") == ["สิทธิหลักประกันสุขภาพถ้วนหน้า"]
    assert await titles("ไม่มีบริการนี้แน่นอน") == []

    # Keywords are part of the tile's content: each written once, kept with the version, and citizens
    # search by a new one only once it has been reviewed and published.
    listing = (await editor.get(f"/api/v1/agency/{agency_id}/tiles")).json()
    mine = next(t for t in listing if t["id"] == health)
    draft = {**mine["published"], "keywords": ["บัตรทอง", "สปสช"]}
    del draft["version"], draft["created_at"]
    changed = await editor.put(f"/api/v1/agency/{agency_id}/tiles/{health}", json=draft)
    assert changed.status_code == 200, changed.text
    assert changed.json()["draft"]["keywords"] == ["บัตรทอง", "สปสช"]
    assert await titles("สปสช") == []
    await editor.post(f"/api/v1/agency/{agency_id}/tiles/{health}/submit")
    assert (await admin.post(f"/api/v1/admin/tiles/{health}/publish")).status_code == 200
    assert await titles("สปสช") == ["สิทธิหลักประกันสุขภาพถ้วนหน้า"]
    card = (await editor.get(f"/api/v1/agency/{agency_id}/tiles")).json()[-1]
    assert card["published"]["synonyms"] == ["บัตรคนจน"]  # trimmed, each once

    for field in ("keywords", "synonyms"):
        for words in (["บัตร\u200bทอง"], [""], ["x" * 61], ["คำ"] * 31):
            refused = await editor.post(f"/api/v1/agency/{agency_id}/tiles", json=tile(**{field: words}))
            assert refused.status_code == 400, words
            assert refused.json()["errors"][0]["field"].startswith(field), refused.json()


async def test_the_open_catalogue_is_public_json_and_formula_safe_csv(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    editor = await sign_in(("agency_editor", agency_id))
    admin = await sign_in(("platform_admin", None))
    await _published(admin, editor, agency_id, title_en='=HYPERLINK("https://evil.example")')
    as_json = await client.get("/api/v1/open/catalogue.json")
    assert as_json.status_code == 200
    [entry] = as_json.json()
    assert entry["title_th"] == "เบี้ยยังชีพผู้สูงอายุ"
    assert entry["title_en"].startswith("=HYPERLINK")
    assert "national_id" not in json.dumps(entry)

    as_csv = await client.get("/api/v1/open/catalogue.csv")
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text.lstrip("\ufeff"))))
    assert rows[0]["title_en"] == '\'=HYPERLINK("https://evil.example")'
    assert rows[0]["title_th"] == "เบี้ยยังชีพผู้สูงอายุ"


async def test_agencies_are_proposed_then_approved_and_a_suspended_agency_leaves_the_catalogue(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    proposer = await sign_in()
    admin = await sign_in(("platform_admin", None))
    proposal = {
        "code": "land-dept",
        "name_th": "กรมที่ดิน",
        "name_en": "Department of Lands",
        "contact_email": "it@dol.example.go.th",
    }
    proposed = await proposer.post("/api/v1/agencies", json=proposal)
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["status"] == "pending"
    assert (await proposer.post("/api/v1/agencies", json=proposal)).status_code == 409
    agency_id = proposed.json()["id"]
    assert (await proposer.post(f"/api/v1/admin/agencies/{agency_id}/approve")).status_code == 403
    pending = (await admin.get("/api/v1/admin/agencies", params={"status": "pending"})).json()
    assert [a["code"] for a in pending] == ["land-dept"]

    assert (await admin.post(f"/api/v1/admin/agencies/{agency_id}/approve")).json()["status"] == "approved"
    assert (await proposer.get("/api/v1/me")).json()["roles"] == [
        {"role": "agency_admin", "agency_id": agency_id}
    ]
    assert "land-dept" in [a["code"] for a in (await client.get("/api/v1/agencies")).json()]

    editor = await sign_in(("agency_editor", agency_id))
    await _published(admin, editor, agency_id)
    assert (await client.get("/api/v1/tiles")).json()["total"] == 1
    await admin.post(f"/api/v1/admin/agencies/{agency_id}/suspend")
    assert (await client.get("/api/v1/tiles")).json()["total"] == 0


async def test_every_replica_sees_a_publication(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    async with listening(resources.redis) as shared:
        other_replica = Catalogue(resources.pool, resources.redis, shared)
        assert await other_replica.tiles() == []
        agency_id = await make_agency(resources.pool, status="approved")
        await _published(
            await sign_in(("platform_admin", None)), await sign_in(("agency_editor", agency_id)), agency_id
        )

        async def titles() -> list[str]:
            return [t.title_en for t in await other_replica.tiles()]

        assert await eventually(titles, ["Elderly allowance"]) == ["Elderly allowance"]


async def test_a_suspended_agency_stops_acting_at_once_and_reapproval_does_not_restore_revoked_roles(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    proposer = await sign_in()
    admin = await sign_in(("platform_admin", None))
    proposal = {
        "code": "port-dept",
        "name_th": "กรมเจ้าท่า",
        "name_en": "Marine Department",
        "contact_email": "it@md.go.th",
    }
    agency_id = (await proposer.post("/api/v1/agencies", json=proposal)).json()["id"]
    await admin.post(f"/api/v1/admin/agencies/{agency_id}/approve")
    issued = (
        await proposer.post(f"/api/v1/agency/{agency_id}/clients", json={"name": "x", "scopes": ["tiles"]})
    ).json()
    token = (
        await client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(issued["client_id"], issued["client_secret"]),
        )
    ).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (
        await client.post(f"/api/v1/agency/{agency_id}/tiles", json=tile(), headers=bearer)
    ).status_code == 201

    await admin.post(f"/api/v1/admin/agencies/{agency_id}/suspend")
    assert (
        await client.post(f"/api/v1/agency/{agency_id}/tiles", json=tile(), headers=bearer)
    ).status_code == 401
    assert (await proposer.get(f"/api/v1/agency/{agency_id}/tiles")).status_code == 403

    grants = (await admin.get("/api/v1/admin/role-grants")).json()
    proposer_grant = next(g for g in grants if g["agency_id"] == agency_id)
    assert (await admin.delete(f"/api/v1/admin/role-grants/{proposer_grant['id']}")).status_code == 204
    await admin.post(f"/api/v1/admin/agencies/{agency_id}/approve")
    assert (await proposer.get("/api/v1/me")).json()["roles"] == []
