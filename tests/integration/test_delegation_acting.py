"""Issue 22 items 3 and 4 on the server: a delegate acting for someone (``X-Acting-For``) reaches the
grantor's bills and messages exactly as granted, and nothing else (no onward grant, no settings,
sessions or full national ID); an end or expiry holds from the next request; each step lands in the
grantor's "who accessed my data", naming the delegate (the permissions matrix tries every route)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from litestar import Litestar

from backend.core.resources import Resources
from backend.delegation.service import today
from tests.factories import (
    make_agency,
    make_application,
    make_bill,
    make_document,
    make_service,
    valid_national_id,
)
from tests.factories.delegation import make_delegation
from tests.helpers.delegation import grantor_and_delegate, logged_in
from tests.integration.conftest import SignIn


async def _log(browser: httpx.AsyncClient) -> list[dict[str, Any]]:
    page = await browser.get("/api/v1/me/data-access", params={"kind": "delegation"})
    return list(page.json()["items"])


async def test_a_delegate_pays_his_bill_and_reads_his_messages_and_he_sees_each_step_named(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await grantor_and_delegate(app, sign_in, resources)
    suda, as_him = world["suda"], world["as_him"]
    assert (await suda.get("/api/v1/bills")).json() == [], "her own: no bills"
    bills = (await suda.get("/api/v1/bills", headers=as_him)).json()
    assert [bill["id"] for bill in bills] == [world["bill"]]
    paying = await suda.post(
        f"/api/v1/bills/{world['bill']}/payments", json={"idempotency_key": "k1"}, headers=as_him
    )
    assert paying.status_code == 201, paying.text
    payment = await suda.get(f"/api/v1/payments/{paying.json()['id']}", headers=as_him)
    assert payment.status_code == 200
    assert (await suda.get(f"/api/v1/payments/{paying.json()['id']}")).status_code == 404, "not hers"
    inbox = (await suda.get("/api/v1/inbox", headers=as_him)).json()
    # His message, and the platform's notice that she started paying his bill (newest first).
    assert [item["id"] for item in inbox["items"]][1:] == [world["message"]]
    assert inbox["items"][0]["agency_code"] == "platform"
    read = await suda.post(f"/api/v1/inbox/{world['message']}/read", headers=as_him)
    assert read.status_code in (200, 204), read.text
    # A second look at the bills within minutes is not written again; the payment always is.
    await suda.get("/api/v1/bills", headers=as_him)

    steps = await _log(world["somchai"])
    assert all(step["actor_kind"] == "delegate" for step in steps)
    assert {(step["actor_name_th"], step["actor_name_en"]) for step in steps} == {("สุดา", "Suda")}
    said = [step["purpose_en"] for step in reversed(steps)]
    assert said == [
        "looked at your bills",
        "started paying a bill for you (a payment QR)",
        "looked at a payment of yours",
        "read your inbox",
        "opened a message of yours",
    ]
    assert steps[-2]["purpose_th"] == "เริ่มชำระบิลแทนคุณ (สร้าง QR ชำระเงิน)"
    assert steps[-2]["fields_th"] == ["ดูและชำระบิลของฉัน"]
    assert await _log(suda) == [], "the steps are in his record, not hers"


async def test_outside_the_granted_scopes_and_the_grantors_own_settings_a_delegate_is_refused(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await grantor_and_delegate(app, sign_in, resources, scopes=("messages",))
    suda, as_him = world["suda"], world["as_him"]
    refused: list[tuple[str, str, Any, str]] = [
        ("GET", "/api/v1/bills", None, "a scope not granted"),
        ("GET", "/api/v1/documents", None, "a scope not granted"),
        ("POST", "/api/v1/me/delegations", {"national_id": valid_national_id(221), "scopes": ["bills"],
                                           "ends_on": today().isoformat()}, "granting onwards"),
        ("POST", f"/api/v1/me/delegations/{world['grant']}/renew",
         {"ends_on": today().isoformat()}, "renewing"),
        ("GET", "/api/v1/me/delegations", None, "his delegations"),
        ("PUT", "/api/v1/me/notification-preferences", {}, "his notification settings"),
        ("GET", "/api/v1/me/sessions", None, "his sessions"),
        ("DELETE", "/api/v1/me/sessions", None, "his sessions"),
        ("GET", "/api/v1/me/national-id", None, "his full national ID"),
        ("POST", "/api/v1/support/citizens/find", {"national_id": valid_national_id(220)}, "staff routes"),
    ]  # fmt: skip
    for method, url, body, why in refused:
        response = await suda.request(method, url, json=body, headers=as_him)
        assert response.status_code == 403, f"{why}: {method} {url}: {response.text}"
        assert response.json()["type"] == "/problems/not-while-acting"
    assert (await suda.get("/api/v1/inbox", headers=as_him)).status_code == 200
    assert (await suda.get("/api/v1/me/sessions")).status_code == 200, "her own, without the header"
    assert (await resources.pool.fetchval("SELECT count(*) FROM delegations")) == 1
    # The grant may be named in the address instead (what the browser fetches by itself).
    by_address = await suda.get("/api/v1/inbox", params={"acting_for": world["grant"]})
    assert [item["id"] for item in by_address.json()["items"]] == [world["message"]]
    assert (await suda.get("/api/v1/bills", params={"acting_for": world["grant"]})).status_code == 403
    # Public routes take no notice of the header.
    assert (await suda.get("/api/v1/tiles", headers=as_him)).status_code == 200


async def test_an_end_or_expiry_holds_from_the_next_request_and_a_made_up_grant_is_refused(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await grantor_and_delegate(app, sign_in, resources)
    suda, as_him = world["suda"], world["as_him"]
    assert (await suda.get("/api/v1/inbox", headers=as_him)).status_code == 200
    ended = await world["somchai"].post(f"/api/v1/me/delegations/{world['grant']}/end", json={})
    assert ended.status_code == 200
    after = await suda.get("/api/v1/inbox", headers=as_him)
    assert after.status_code == 403
    assert after.json()["type"] == "/problems/acting-ended"

    again = await make_delegation(
        resources.pool, grantor_id=world["somchai_id"], delegate_id=world["suda_id"], scopes=("messages",)
    )
    assert (await suda.get("/api/v1/inbox", headers={"X-Acting-For": str(again.id)})).status_code == 200
    await resources.pool.execute(
        "UPDATE delegations SET ends_on = $2 WHERE id = $1::uuid", again.id, today() - dt.timedelta(days=1)
    )
    assert (await suda.get("/api/v1/inbox", headers={"X-Acting-For": str(again.id)})).status_code == 403
    for made_up in ("not-a-grant", world["grant"].replace(world["grant"][:8], "00000000")):
        assert (await suda.get("/api/v1/inbox", headers={"X-Acting-For": made_up})).status_code == 403
    # Someone else's grant is not a way in for a third person.
    stranger = await sign_in()
    assert (await stranger.get("/api/v1/inbox", headers={"X-Acting-For": str(again.id)})).status_code == 403


async def test_a_delegate_shares_his_document_after_her_own_step_up_recorded_once_under_her_name(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await grantor_and_delegate(app, sign_in, resources, scopes=("documents",))
    suda, as_him, somchai = world["suda"], world["as_him"], world["somchai"]
    applications = app.state.applications
    agency_id = await make_agency(resources.pool, status="approved")
    service = await make_service(resources.pool, agency_id)
    approved = await make_application(resources.pool, service, world["somchai_id"], state="approved")
    document = await make_document(applications, approved)
    url = f"/api/v1/documents/{document.id}/shares"
    # Sharing needs a recent, strong login: hers, whatever his is.
    await logged_in(resources, suda, ago_seconds=3600)
    refused = await suda.post(url, json={"minutes": 15}, headers=as_him)
    assert refused.status_code == 401, refused.text
    assert refused.json()["type"] == "/problems/step-up-required"
    assert 'error="insufficient_user_authentication"' in refused.headers["WWW-Authenticate"]
    assert await resources.pool.fetchval("SELECT count(*) FROM document_shares") == 0
    await logged_in(resources, suda)  # she logs in again: her own step-up
    shared = await suda.post(url, json={"minutes": 15}, headers=as_him)
    assert shared.status_code == 201, shared.text

    everything = (await somchai.get("/api/v1/me/data-access")).json()["items"]
    shares = [step for step in everything if "shared" in step["purpose_en"].lower()]
    assert [(s["actor_kind"], s["actor_name_en"], s["purpose_en"]) for s in shares] == [
        ("delegate", "Suda", "shared a document of yours")
    ], "once, hers: never 'You shared'"
    # His own share is still his.
    mine = await somchai.post(f"/api/v1/documents/{document.id}/shares", json={"minutes": 15})
    assert mine.status_code == 201, mine.text
    latest = (await somchai.get("/api/v1/me/data-access")).json()["items"][0]
    assert (latest["actor_kind"], latest["purpose_en"]) == ("citizen", "You shared a document: Certificate")


async def test_a_delegate_pays_a_large_bill_only_after_her_own_step_up_never_on_his_login(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await grantor_and_delegate(app, sign_in, resources, scopes=("bills",))
    suda, as_him = world["suda"], world["as_him"]
    large = await make_bill(
        resources.pool,
        await make_agency(resources.pool, status="approved"),
        app.state.identity.cipher.lookup_hash(valid_national_id(220)),  # Somchai's
        amount_satang=resources.settings.payment_step_up_satang,
    )
    url = f"/api/v1/bills/{large.id}/payments"
    # His login is recent and strong; hers is not: hers is the one that counts.
    for acr, ago in (("urn:demo:ial:2", 3600), ("urn:demo:ial:1", 0)):
        await logged_in(resources, suda, acr=acr, ago_seconds=ago)
        refused = await suda.post(url, json={"idempotency_key": "big"}, headers=as_him)
        assert refused.status_code == 401, (acr, ago, refused.text)
        assert 'error="insufficient_user_authentication"' in refused.headers["WWW-Authenticate"]
    assert (
        await resources.pool.fetchval("SELECT count(*) FROM payments WHERE bill_id = $1::uuid", large.id) == 0
    )

    await logged_in(resources, suda)  # she logs in again, strongly: her own step-up
    paid = await suda.post(url, json={"idempotency_key": "big"}, headers=as_him)
    assert paid.status_code == 201, paid.text
    delegation_id = await resources.pool.fetchval(
        "SELECT delegation_id::text FROM payments WHERE id = $1::uuid", paid.json()["id"]
    )
    assert delegation_id == world["grant"]
