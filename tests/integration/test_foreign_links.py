"""Issue 17 (7): agencies' messages and campaigns link only to paths of this site."""

from __future__ import annotations

from backend.core.resources import Resources
from tests.factories import make_agency, valid_national_id
from tests.helpers.links import HOSTILE, SAME_SITE
from tests.helpers.notifications import PARAMS, TEMPLATE, send
from tests.integration.conftest import SignIn


async def test_a_message_or_campaign_linking_off_the_site_is_refused(
    sign_in: SignIn, resources: Resources
) -> None:
    """Before: 21 of these 31 forms were accepted by both routes (those starting with "/" and free of
    control characters), and the inbox and the service worker opened them."""
    agency_id = await make_agency(resources.pool, status="approved")
    sender = await sign_in(("agency_sender", agency_id))
    assert (
        await sender.post(f"/api/v1/agency/{agency_id}/notification-templates", json=TEMPLATE)
    ).status_code == 201
    national_id = valid_national_id(1201)
    await sign_in(national_id=national_id)
    campaign = {"audience": {"kind": "agency-followers"}, "template": "bill-due", "params": PARAMS}
    accepted = []
    for number, link in enumerate(HOSTILE):
        single = await sender.post("/api/v1/agency/notifications", json=send(national_id, url=link))
        many = await sender.post(
            "/api/v1/agency/notification-campaigns",
            json={**campaign, "url": link, "idempotency_key": str(number)},
        )
        for response in (single, many):
            if response.status_code != 400:
                accepted.append((link, response.status_code))
            else:
                assert response.headers["content-type"] == "application/problem+json"
                assert [error["field"] for error in response.json()["errors"]] == ["url"], response.text
    assert accepted == []
    assert await resources.pool.fetchval("SELECT count(*) FROM notifications") == 0
    assert await resources.pool.fetchval("SELECT count(*) FROM notification_campaigns") == 0

    for link in SAME_SITE:
        sent = await sender.post("/api/v1/agency/notifications", json=send(national_id, url=link))
        assert sent.status_code == 201, (link, sent.text)
