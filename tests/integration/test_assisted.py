"""Issue 22 item 6, assisted mode at a counter: a counter staff member helps a citizen for one hour,
started only by the citizen (confirming a request in their app, or reading out a one-time code); every
step is marked assisted in the citizen's "who accessed my data"; the hour, the citizen's end and the
code's rules hold; nobody but counter staff can start it (the permissions matrix tries every route)."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar

from backend.core.resources import Resources
from tests.factories import make_agency, valid_national_id
from tests.helpers.assisted import POINT, counter_world, enter_code, new_code
from tests.integration.conftest import SignIn


async def _assisted_log(browser: httpx.AsyncClient) -> list[dict[str, Any]]:
    page = await browser.get("/api/v1/me/data-access", params={"kind": "delegation"})
    return [item for item in page.json()["items"] if item["actor_kind"] == "assisted"]


def _problem(response: httpx.Response) -> str:
    return str(response.json()["type"]).rsplit("/", 1)[-1]


async def test_staff_ask_the_citizen_confirms_on_their_phone_and_each_step_is_marked_assisted(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources)
    somchai, somsri = world["somchai"], world["somsri"]
    asked = await somsri.post(
        "/api/v1/counter/sessions", json={"national_id": world["national_id"], "service_point": POINT}
    )
    assert asked.status_code == 201, asked.text
    session = asked.json()
    assert session["status"] == "invited"
    assert session["citizen_name_th"] is None, "no name before the citizen agrees"
    assert session["national_id_masked"] != world["national_id"]
    assert world["national_id"] not in asked.text
    as_him = {"X-Acting-For": session["id"]}
    # Nothing before he confirms; the staff member cannot accept for him.
    refused = await somsri.get("/api/v1/bills", headers=as_him)
    assert (refused.status_code, _problem(refused)) == (403, "acting-ended")
    assert (await somsri.post(f"/api/v1/me/delegations/{session['id']}/accept")).status_code == 404

    # His app shows the request: who, where, until when it may be confirmed.
    [given] = (await somchai.get("/api/v1/me/delegations")).json()["given"]
    assert (given["kind"], given["status"], given["service_point"]) == ("assisted", "invited", POINT)
    assert given["other"]["name_th"] == "สมศรี ใจงาม"
    confirmed = await somchai.post(f"/api/v1/me/assisted/{session['id']}/confirm", json={"scopes": ["bills"]})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "active"

    bills = await somsri.get("/api/v1/bills", headers=as_him)
    assert [bill["id"] for bill in bills.json()] == [world["bill"]]
    paying = await somsri.post(
        f"/api/v1/bills/{world['bill']}/payments", json={"idempotency_key": "k1"}, headers=as_him
    )
    assert paying.status_code == 201, paying.text
    other_scope = await somsri.get("/api/v1/entitlements", headers=as_him)
    assert (other_scope.status_code, _problem(other_scope)) == (403, "not-while-acting")
    onward = await somsri.post("/api/v1/me/assisted/codes", json={"scopes": ["bills"]}, headers=as_him)
    assert (onward.status_code, _problem(onward)) == (403, "not-while-acting"), "no onward grants"
    [listed] = (await somsri.get("/api/v1/counter/sessions")).json()["sessions"]
    assert (listed["status"], listed["citizen_name_th"]) == ("active", "สมชาย ใจดี")

    steps = await _assisted_log(somchai)
    said = [step["purpose_en"] for step in reversed(steps)]
    assert said[0].startswith("asked to help you for one hour at " + POINT)
    assert said[1:] == ["looked at your bills", "started paying a bill for you (a payment QR)"]
    assert {(step["actor_name_th"], step["detail_th"]) for step in steps} == {
        ("สมศรี ใจงาม", f"ช่วยที่เคาน์เตอร์: {POINT}")
    }
    mine = [
        s
        for s in (await somchai.get("/api/v1/me/data-access")).json()["items"]
        if s["actor_kind"] == "citizen"
    ]
    assert any(step["purpose_th"].startswith("คุณให้เจ้าหน้าที่ สมศรี ใจงาม ช่วยทำรายการแทนคุณ") for step in mine)


async def test_a_code_read_out_starts_help_once_and_only_for_that_citizen(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources)
    code = await new_code(world, ["bills", "messages"])
    stored = await resources.pool.fetchval("SELECT code_hash FROM assisted_codes")
    assert code.encode() not in stored, "kept hashed"
    wrong = await enter_code(world, f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 400
    assert [error["field"] for error in wrong.json()["errors"]] == ["code"]
    # The code is his only: with another citizen's national ID it opens nothing.
    someone = valid_national_id(302)
    await sign_in(national_id=someone)
    elsewhere = await world["somsri"].post(
        "/api/v1/counter/sessions/by-code",
        json={"national_id": someone, "code": code, "service_point": POINT},
    )
    assert elsewhere.status_code == 400

    started = await enter_code(world, code)
    assert started.status_code == 201, started.text
    session = started.json()
    assert (session["status"], session["citizen_name_en"]) == ("active", "Somchai")
    assert [scope["key"] for scope in session["scopes"]] == ["bills", "messages"]
    bills = await world["somsri"].get("/api/v1/bills", params={"acting_for": session["id"]})
    assert bills.status_code == 200
    # Used once: not again, not by another counter staff member.
    await world["somsri"].post(f"/api/v1/me/delegations/{session['id']}/end", json={})
    assert (await enter_code(world, code)).status_code == 400
    other_staff = await sign_in(("counter_staff", None))
    assert (await enter_code(world, code, other_staff)).status_code == 400
    said = [step["purpose_en"] for step in reversed(await _assisted_log(world["somchai"]))]
    assert said[0].startswith("started helping you with the code you gave")
    assert said[1:] == ["looked at your bills", "stopped helping you"]


async def test_an_expired_code_is_refused_and_guessing_kills_the_code_then_is_rate_limited(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources)
    code = await new_code(world)
    await resources.pool.execute("UPDATE assisted_codes SET expires_at = now() - interval '1 second'")
    assert (await enter_code(world, code)).status_code == 400, "expired"

    code = await new_code(world)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    for _ in range(5):
        assert (await enter_code(world, wrong)).status_code == 400
    assert (await enter_code(world, code)).status_code == 400, "five wrong tries kill the code"
    for _ in range(4):
        await enter_code(world, wrong)
    limited = await enter_code(world, wrong)
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers


async def test_after_the_hour_or_when_the_citizen_ends_it_the_next_request_is_refused(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources)
    session = (await enter_code(world, await new_code(world))).json()
    as_him = {"X-Acting-For": session["id"]}
    assert (await world["somsri"].get("/api/v1/bills", headers=as_him)).status_code == 200
    await resources.pool.execute(
        """UPDATE delegations SET created_at = now() - interval '61 minutes',
           accepted_at = now() - interval '61 minutes', ends_at = now() - interval '1 minute'"""
    )
    late = await world["somsri"].get("/api/v1/bills", headers=as_him)
    assert (late.status_code, _problem(late)) == (403, "acting-ended")
    [given] = (await world["somchai"].get("/api/v1/me/delegations")).json()["given"]
    assert given["status"] == "ended", "his history shows the session, ended"

    session = (await enter_code(world, await new_code(world))).json()
    as_him = {"X-Acting-For": session["id"]}
    assert (await world["somsri"].get("/api/v1/bills", headers=as_him)).status_code == 200
    ended = await world["somchai"].post(f"/api/v1/me/delegations/{session['id']}/end", json={})
    assert ended.status_code == 200, ended.text
    refused = await world["somsri"].get("/api/v1/bills", headers=as_him)
    assert (refused.status_code, _problem(refused)) == (403, "acting-ended")
    renewing = await world["somchai"].post(
        f"/api/v1/me/delegations/{session['id']}/renew", json={"ends_on": "2099-01-01"}
    )
    assert renewing.status_code in (400, 409)


async def test_only_counter_staff_start_help_and_only_while_they_hold_the_role(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources)
    agency = await make_agency(resources.pool, status="approved")
    ask = {"national_id": world["national_id"], "service_point": POINT}
    for roles in ((("support", None),), (("platform_admin", None),), (("agency_admin", agency),), ()):
        browser = await sign_in(*roles)
        assert (await browser.post("/api/v1/counter/sessions", json=ask)).status_code == 403
        body = {**ask, "code": "123456"}
        assert (await browser.post("/api/v1/counter/sessions/by-code", json=body)).status_code == 403
    session = (await enter_code(world, await new_code(world))).json()
    await resources.pool.execute("UPDATE role_grants SET revoked_at = now() WHERE role = 'counter_staff'")
    await app.state.identity.roles.changed()
    gone = await world["somsri"].get("/api/v1/bills", headers={"X-Acting-For": session["id"]})
    assert gone.status_code == 403
