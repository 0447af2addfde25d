"""Issue 21 (6): a link inside a message to an agency's own website is the platform's leaving page,
only on the agency's approved link domains, and that page names the agency before the citizen leaves."""

from __future__ import annotations

import json

import httpx

from backend.core.links import leave_path
from backend.core.resources import Resources
from tests.factories import make_agency
from tests.helpers.notifications import PARAMS, deliver_all, received, send, sender_and_subscriber
from tests.integration.conftest import SignIn


async def _approve_domain(resources: Resources, agency_id: int, domain: str) -> None:
    await resources.pool.execute(
        "INSERT INTO sender_entries (agency_id, kind, value, review_status, reviewed_at) "
        "VALUES ($1, 'link_domain', $2, 'approved', now())",
        agency_id,
        domain,
    )


async def test_a_link_to_the_agencys_approved_domain_is_sent_as_the_leaving_page_naming_the_agency(
    sign_in: SignIn, resources: Resources, push_service: str, client: httpx.AsyncClient
) -> None:
    sender, citizen, device, national_id = await sender_and_subscriber(sign_in, resources, push_service, 2101)
    [agency_id] = await resources.pool.fetch("SELECT id FROM agencies ORDER BY id DESC LIMIT 1")
    await _approve_domain(resources, agency_id["id"], "dsdw.go.th")
    destination = "https://www.dsdw.go.th/grant/apply?year=2569#form"
    body = send(national_id, url=destination)
    sent = await sender.post("/api/v1/agency/notifications", json=body)
    assert sent.status_code == 201, sent.text
    again = await sender.post("/api/v1/agency/notifications", json=body)
    assert again.status_code == 200  # the same request: the leaving address is the same each time

    [item] = (await citizen.get("/api/v1/inbox")).json()["items"]
    assert item["url"].startswith("/leave/")
    assert "dsdw" not in item["url"]
    assert await deliver_all(resources) == ["done"]
    [pushed] = await received(push_service, device["device_id"])
    assert json.loads(pushed["payload"])["url"] == item["url"]  # a tap on the push stays on the platform
    sealed = await resources.pool.fetchval(
        "SELECT t.message_text FROM message_seals s JOIN message_texts t ON t.text_sha256 = s.text_sha256"
    )
    assert sealed.endswith("\n" + item["url"])  # the signed token, destination and all, is sealed

    anyone = client  # no login: a link may be opened in any browser
    leaving = await anyone.get(f"/api/v1{item['url']}")
    assert leaving.status_code == 200, leaving.text
    answer = leaving.json()
    assert answer["url"] == destination
    assert answer["host"] == "www.dsdw.go.th"
    assert answer["registered"] is True
    assert answer["agency_name_th"].startswith("หน่วยงานทดสอบ")

    # Withdrawn from the register since: the page still names the agency, and says the host is not listed.
    await resources.pool.execute("DELETE FROM sender_entries")
    assert (await anyone.get(f"/api/v1{item['url']}")).json()["registered"] is False


async def test_unknown_tampered_and_forged_leaving_tokens_are_not_found(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    anyone = await sign_in()
    secret = resources.settings.secret_key
    good = leave_path(secret, agency_id, "https://dsdw.go.th/a").removeprefix("/leave/")
    assert (await anyone.get(f"/api/v1/leave/{good}")).status_code == 200
    payload, mac = good.split(".")
    evil = leave_path(secret, agency_id, "https://evil.example/a").removeprefix("/leave/").split(".")[0]
    refused = [
        "nothing-here",
        f"{evil}.{mac}",  # another destination under this link's signature
        f"{payload}.{'A' * 22}",  # the right destination, a made-up signature
        leave_path("another platform's key", agency_id, "https://dsdw.go.th/a").removeprefix("/leave/"),
        leave_path(secret, 999_999, "https://dsdw.go.th/a").removeprefix("/leave/"),  # no such agency
        leave_path(secret, agency_id, "javascript:alert(1)").removeprefix("/leave/"),  # never sendable
    ]
    for token in refused:
        response = await anyone.get(f"/api/v1/leave/{token}")
        assert response.status_code == 404, (token, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_links_off_the_agencys_approved_domains_are_refused_naming_the_field(
    sign_in: SignIn, resources: Resources
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    other = await make_agency(resources.pool, status="approved")
    await _approve_domain(resources, agency_id, "dsdw.go.th")
    await _approve_domain(resources, other, "evil.example")
    await resources.pool.execute(
        "INSERT INTO sender_entries (agency_id, kind, value) VALUES ($1, 'link_domain', 'pending.go.th')",
        agency_id,
    )
    sender = await sign_in(("agency_sender", agency_id))
    template = {"key": "bill-due", "category": "bills", "title_th": "ก", "title_en": "a"}
    template |= {"body_th": "ข {biller} {amount} {due}", "body_en": "b {biller} {amount} {due}"}
    assert (
        await sender.post(f"/api/v1/agency/{agency_id}/notification-templates", json=template)
    ).status_code == 201
    links = {
        "https://evil.example/": "approved",  # another agency's domain
        "https://pending.go.th/": "approved",  # waiting for review
        "https://dsdw.go.th.evil.example/": "approved",
        "https://evildsdw.go.th/": "approved",
        "https://dsdw.g\u043e.th/": "https://",  # a Cyrillic "o" (U+043E)
        "https://xn--dsdw-9ya.go.th/": "approved",  # an IDN look-alike in its ASCII form
        "https://user@dsdw.go.th/": "https://",
        "https://dsdw.go.th:8443/": "https://",
        "https://dsdw.go.th\\@evil.example/": "https://",
        "http://dsdw.go.th/": "",
        "data:text/html,<script>alert(1)</script>": "",
        "javascript:alert(1)": "",
    }
    campaign = {"audience": {"kind": "agency-followers"}, "template": "bill-due", "params": PARAMS}
    for number, (link, says) in enumerate(links.items()):
        single = await sender.post("/api/v1/agency/notifications", json=send("1101700207536", url=link))
        many = await sender.post(
            "/api/v1/agency/notification-campaigns",
            json={**campaign, "url": link, "idempotency_key": str(number)},
        )
        for response in (single, many):
            assert response.status_code == 400, (link, response.text)
            [error] = response.json()["errors"]
            assert error["field"] in ("url", "$.url"), error
            assert says in error["message"], (link, error)
            if says:
                assert " · " in error["message"]  # said in Thai and in English
    assert await resources.pool.fetchval("SELECT count(*) FROM notifications") == 0
