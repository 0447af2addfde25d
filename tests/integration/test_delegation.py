"""Issue 22 item 1, granting: a citizen asks another (by national ID, after a step-up) to act for them in
named scopes until a date at most a year away; the invitee accepts in their own app; either ends it; the
grantor renews it. Every change is an event row, and the grantor's "who accessed my data" shows each one
in their language, naming the delegate."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
from litestar import Litestar

from backend.core.resources import Resources
from backend.delegation.service import latest_end, today
from backend.identity.service import Identity, session_cookie_name
from tests.conftest import app_client
from tests.helpers.delegation import grant_body, new_national_id, new_person
from tests.integration.conftest import SignIn


async def _log(browser: httpx.AsyncClient) -> list[dict[str, Any]]:
    page = await browser.get("/api/v1/me/data-access", params={"kind": "delegation"})
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


async def test_a_grant_is_invited_accepted_and_seen_by_both_and_in_the_grantors_log(
    sign_in: SignIn, resources: Resources
) -> None:
    somchai, _ = await new_person(sign_in, resources, "สมชาย ใจดี", "Somchai Jaidee")
    suda, suda_id = await new_person(sign_in, resources, "สุดา ใจดี", "Suda Jaidee")
    invited = await somchai.post("/api/v1/me/delegations", json=grant_body(suda_id, reason="ลูกสาวช่วยจ่ายบิล"))
    assert invited.status_code == 201, invited.text
    grant = invited.json()
    assert grant["direction"] == "given"
    assert grant["status"] == "invited"
    assert grant["other"] == {"name_th": "สุดา ใจดี", "name_en": "Suda Jaidee"}
    assert [scope["label_th"] for scope in grant["scopes"]] == ["ดูและชำระบิลของฉัน", "อ่านข้อความของฉัน"]

    received = (await suda.get("/api/v1/me/delegations")).json()
    [invitation] = received["received"]
    assert invitation["id"] == grant["id"]
    assert invitation["other"]["name_th"] == "สมชาย ใจดี"
    assert received["given"] == []
    accepted = await suda.post(f"/api/v1/me/delegations/{grant['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "active"

    mine = (await somchai.get("/api/v1/me/delegations")).json()
    [given] = mine["given"]
    assert given["status"] == "active"
    assert [(event["kind"], event["by_me"]) for event in given["events"]] == [
        ("invited", True),
        ("accepted", False),
    ]
    assert given["events"][0]["reason"] == "ลูกสาวช่วยจ่ายบิล"

    newest, oldest = await _log(somchai)
    assert oldest["actor_kind"] == "citizen"
    assert oldest["purpose_th"].startswith("คุณขอให้ สุดา ใจดี ทำแทนคุณ ถึงวันที่")
    ends_on = today() + dt.timedelta(days=90)
    assert oldest["purpose_th"].endswith(f" {ends_on.year + 543}"), "a Buddhist-era year"
    assert oldest["fields_th"] == ["ดูและชำระบิลของฉัน", "อ่านข้อความของฉัน"]
    assert oldest["detail_th"] == "เหตุผล: ลูกสาวช่วยจ่ายบิล"
    # The delegate's own step is theirs, named, never "you".
    assert newest["actor_kind"] == "delegate"
    assert (newest["actor_name_th"], newest["actor_name_en"]) == ("สุดา ใจดี", "Suda Jaidee")
    assert newest["purpose_th"].startswith("ตอบรับทำแทนคุณ")
    assert newest["purpose_en"].startswith("agreed to act")
    assert await _log(suda) == [], "the log is the grantor's: the delegate's own shows nothing of it"


async def test_granting_needs_a_recent_strong_login(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    _, suda_id = await new_person(sign_in, resources, "สุดา", "Suda")
    identity: Identity = app.state.identity
    citizen_id = (await (await sign_in()).get("/api/v1/me")).json()["id"]
    token, session = await identity.sessions.create(
        citizen_id, acr="urn:demo:ial:1", amr=["pwd"], auth_time=int(time.time()) - 3600,
        user_agent="test", ip_address="127.0.0.1",
    )  # fmt: skip
    async with app_client(app) as weak:
        weak.cookies.set(session_cookie_name(identity.settings), token)
        refused = await weak.post(
            "/api/v1/me/delegations", json=grant_body(suda_id), headers={"X-CSRF-Token": session.csrf_token}
        )
    assert refused.status_code == 401
    assert 'error="insufficient_user_authentication"' in refused.headers["WWW-Authenticate"]
    assert await resources.pool.fetchval("SELECT count(*) FROM delegations") == 0


async def test_bad_grants_are_refused_naming_the_field(sign_in: SignIn, resources: Resources) -> None:
    somchai, somchai_id = await new_person(sign_in, resources, "สมชาย", "Somchai")
    _, suda_id = await new_person(sign_in, resources, "สุดา", "Suda")
    too_far = (latest_end(today()) + dt.timedelta(days=1)).isoformat()
    past = (today() - dt.timedelta(days=1)).isoformat()
    cases = {
        "ends_on": [grant_body(suda_id, ends_on=too_far), grant_body(suda_id, ends_on=past)],
        "national_id": [grant_body(new_national_id()), grant_body(somchai_id), grant_body("1101700207537")],
        "scopes": [grant_body(suda_id, scopes=[]), grant_body(suda_id, scopes=["everything"])],
    }
    for field, bodies in cases.items():
        for body in bodies:
            refused = await somchai.post("/api/v1/me/delegations", json=body)
            assert refused.status_code == 400, refused.text
            assert refused.headers["Content-Type"].startswith("application/problem+json")
            fields = [error["field"].split("[")[0] for error in refused.json()["errors"]]
            assert field in fields, refused.text
    first = await somchai.post(
        "/api/v1/me/delegations", json=grant_body(suda_id, ends_on=latest_end(today()).isoformat())
    )
    assert first.status_code == 201, "a year from today is allowed"
    again = await somchai.post("/api/v1/me/delegations", json=grant_body(suda_id))
    assert again.status_code == 409, "one open grant between two people: renew it instead"


async def test_only_the_invitee_accepts_and_either_ends_it(sign_in: SignIn, resources: Resources) -> None:
    somchai, _ = await new_person(sign_in, resources, "สมชาย", "Somchai")
    suda, suda_id = await new_person(sign_in, resources, "สุดา", "Suda")
    stranger, _ = await new_person(sign_in, resources, "คนอื่น", "Stranger")
    grant = (await somchai.post("/api/v1/me/delegations", json=grant_body(suda_id))).json()
    url = f"/api/v1/me/delegations/{grant['id']}"
    assert (await somchai.post(f"{url}/accept")).status_code == 404, "the grantor cannot accept for them"
    assert (await stranger.post(f"{url}/accept")).status_code == 404
    assert (await stranger.post(f"{url}/end", json={})).status_code == 404
    assert (await suda.post(f"{url}/renew", json={"ends_on": today().isoformat()})).status_code == 404
    assert (await suda.post(f"{url}/accept")).status_code == 200
    assert (await suda.post(f"{url}/accept")).status_code == 409

    ended = await somchai.post(f"{url}/end", json={"reason": "ไม่ต้องแล้ว"})
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended"
    assert (await suda.post(f"{url}/end", json={})).status_code == 409
    [latest, *_] = await _log(somchai)
    assert latest["actor_kind"] == "citizen"
    assert latest["purpose_th"] == "คุณยกเลิกการให้ สุดา ทำแทนคุณ"
    # Ended, the two may start again.
    assert (await somchai.post("/api/v1/me/delegations", json=grant_body(suda_id))).status_code == 201


async def test_an_invitee_who_ends_an_invitation_declines_it(sign_in: SignIn, resources: Resources) -> None:
    somchai, _ = await new_person(sign_in, resources, "สมชาย", "Somchai")
    suda, suda_id = await new_person(sign_in, resources, "สุดา", "Suda")
    grant = (await somchai.post("/api/v1/me/delegations", json=grant_body(suda_id))).json()
    declined = await suda.post(f"/api/v1/me/delegations/{grant['id']}/end", json={})
    assert declined.json()["status"] == "declined"
    [latest, *_] = await _log(somchai)
    assert (latest["actor_kind"], latest["actor_name_th"]) == ("delegate", "สุดา")
    assert latest["purpose_en"] == "declined to act for you"


async def test_the_grantor_renews_for_at_most_a_year_and_may_change_the_scopes(
    sign_in: SignIn, resources: Resources
) -> None:
    somchai, _ = await new_person(sign_in, resources, "สมชาย", "Somchai")
    suda, suda_id = await new_person(sign_in, resources, "สุดา", "Suda")
    grant = (await somchai.post("/api/v1/me/delegations", json=grant_body(suda_id))).json()
    await suda.post(f"/api/v1/me/delegations/{grant['id']}/accept")
    url = f"/api/v1/me/delegations/{grant['id']}/renew"
    too_far = (latest_end(today()) + dt.timedelta(days=1)).isoformat()
    assert (await somchai.post(url, json={"ends_on": too_far})).status_code == 400
    renewed = await somchai.post(
        url, json={"ends_on": latest_end(today()).isoformat(), "scopes": ["documents", "bills"]}
    )
    assert renewed.status_code == 200, renewed.text
    body = renewed.json()
    assert body["ends_on"] == latest_end(today()).isoformat()
    assert [scope["key"] for scope in body["scopes"]] == ["bills", "documents"]
    assert [event["kind"] for event in body["events"]] == ["invited", "accepted", "renewed"]
    [latest, *_] = await _log(somchai)
    assert latest["purpose_en"].startswith("You renewed Suda's right to act for you until")


async def test_a_grant_past_its_last_day_has_ended_for_both(sign_in: SignIn, resources: Resources) -> None:
    somchai, _ = await new_person(sign_in, resources, "สมชาย", "Somchai")
    suda, suda_id = await new_person(sign_in, resources, "สุดา", "Suda")
    grant = (await somchai.post("/api/v1/me/delegations", json=grant_body(suda_id))).json()
    await suda.post(f"/api/v1/me/delegations/{grant['id']}/accept")
    await resources.pool.execute(
        "UPDATE delegations SET ends_on = $2, created_at = created_at - interval '100 days' "
        "WHERE id = $1::uuid",
        grant["id"],
        today() - dt.timedelta(days=1),
    )
    assert (await suda.post(f"/api/v1/me/delegations/{grant['id']}/end", json={})).status_code == 409
    [given] = (await somchai.get("/api/v1/me/delegations")).json()["given"]
    assert given["status"] == "ended"


async def test_one_person_acts_for_at_most_the_configured_number_of_people(
    sign_in: SignIn, resources: Resources
) -> None:
    limit = resources.settings.delegations_per_delegate
    _, suda_id = await new_person(sign_in, resources, "สุดา", "Suda")
    for number in range(limit):
        parent, _ = await new_person(sign_in, resources, f"คนที่ {number}", f"Person {number}")
        assert (await parent.post("/api/v1/me/delegations", json=grant_body(suda_id))).status_code == 201
    one_more, _ = await new_person(sign_in, resources, "อีกคน", "One more")
    refused = await one_more.post("/api/v1/me/delegations", json=grant_body(suda_id))
    assert refused.status_code == 409
    assert f"already acts for {limit} people" in refused.json()["detail"]


async def test_support_sees_who_acts_for_whom_masked_and_the_look_is_recorded(
    sign_in: SignIn, resources: Resources
) -> None:
    somchai, _ = await new_person(sign_in, resources, "สมชาย", "Somchai")
    suda, suda_id = await new_person(sign_in, resources, "สุดา", "Suda")
    grant = (await somchai.post("/api/v1/me/delegations", json=grant_body(suda_id))).json()
    await suda.post(f"/api/v1/me/delegations/{grant['id']}/accept")
    somchai_id = (await somchai.get("/api/v1/me")).json()["id"]
    staff = await sign_in(("support", None))
    seen = await staff.get(f"/api/v1/support/citizens/{somchai_id}/delegations")
    assert seen.status_code == 200, seen.text
    [shown] = seen.json()["delegations"]
    assert (shown["direction"], shown["kind"]) == ("given", "chosen")
    assert shown["other_name_en"] == "Suda"
    assert shown["other_national_id_masked"].startswith("x-xxxx-xxxxx-")
    assert suda_id not in seen.text, "the delegate's national ID is masked"
    assert [scope["key"] for scope in shown["scopes"]] == ["bills", "messages"]
    record = (await somchai.get("/api/v1/me/data-access", params={"kind": "staff_lookup"})).json()["items"]
    assert record[0]["purpose_th"] == "เจ้าหน้าที่ดูว่าใครทำแทนคุณและคุณทำแทนใคร"
    assert (await suda.get(f"/api/v1/support/citizens/{somchai_id}/delegations")).status_code == 403
