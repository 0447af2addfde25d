"""Telling citizens what agencies found: an agency messages only the citizens its connector found eligible
but not enrolled, and a citizen newly eligible is told once in the inbox before they ask."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from backend.core.resources import Resources
from tests.helpers.connectors import agency_with, all_well_behaved, connector, cool_down_over
from tests.integration.conftest import SignIn

MALEE = "1100700945129"  # a new mother among the demo people
SOMCHAI = "3101200581231"  # retired, 68


@pytest_asyncio.fixture(autouse=True)
async def well_behaved(agencies_url: str) -> AsyncIterator[None]:
    await all_well_behaved(agencies_url)
    yield


async def test_an_agency_tells_only_the_citizens_its_connector_found_eligible_but_not_enrolled(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    from tests.helpers.notifications import TEMPLATE, run_until_idle

    agency_id, admin, [connector_id] = await agency_with(
        sign_in, resources, [connector(agencies_url, "child-support")]
    )
    other_agency, other_admin, _ = await agency_with(
        sign_in, resources, [connector(agencies_url, "welfare-card")]
    )
    claimable = set()
    for national_id in (MALEE, SOMCHAI):
        citizen = await sign_in(national_id=national_id)
        page = (await citizen.get("/api/v1/entitlements")).json()
        if any(e["scheme_id"] == "child-support-grant" for e in page["eligible_not_enrolled"]):
            claimable.add((await citizen.get("/api/v1/me")).json()["id"])
    assert len(claimable) >= 1  # Malee, a new mother, at least

    audience = {
        "kind": "entitlement-state",
        "status": "eligible_not_enrolled",
        "scheme_id": "child-support-grant",
    }
    for sender, sender_agency in ((admin, agency_id), (other_admin, other_agency)):
        template = {**TEMPLATE, "category": "entitlements"}
        assert (
            await sender.post(f"/api/v1/agency/{sender_agency}/notification-templates", json=template)
        ).status_code == 201
        started = await sender.post(
            "/api/v1/agency/notification-campaigns",
            json={
                "audience": audience,
                "template": "bill-due",
                "params": {"biller": "Child support", "amount": "600.00", "due": "31 Dec"},
                "idempotency_key": "tell-before-they-ask",
            },
        )
        assert started.status_code == 202, started.text
    await run_until_idle(resources)
    reached = {
        row["agency_id"]: set(row["citizens"])
        for row in await resources.pool.fetch(
            "SELECT agency_id, array_agg(citizen_id::text) AS citizens FROM notifications GROUP BY agency_id"
        )
    }
    assert reached == {agency_id: claimable}  # the other agency's connector knows nothing of this grant

    malee = await sign_in(national_id=MALEE)
    assert (await malee.get("/api/v1/inbox")).json()["items"][0]["title_en"] == "Child support bill due"
    assert await resources.pool.fetchval(
        "SELECT count(*) FROM entitlement_states WHERE connector_id = $1", connector_id
    ) == len(claimable)  # fmt: skip


async def test_a_citizen_newly_eligible_is_told_once_in_the_inbox_before_they_ask(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    from tests.helpers.notifications import run_until_idle

    await agency_with(sign_in, resources, [connector(agencies_url, "child-support")])
    malee = await sign_in(national_id=MALEE)
    await malee.get("/api/v1/entitlements")
    await run_until_idle(resources)
    [told] = (await malee.get("/api/v1/inbox")).json()["items"]
    assert (told["title_en"], told["url"]) == ("You may be eligible: Child support grant", "/entitlements")
    assert told["body_en"] == "Register at your district office before the child turns six."

    await cool_down_over(resources)
    await malee.get("/api/v1/entitlements", params={"refresh": "true"})  # the same answer again
    await run_until_idle(resources)
    assert len((await malee.get("/api/v1/inbox")).json()["items"]) == 1  # told once, not on every look
    told_tasks = "SELECT count(*) FROM task_outbox WHERE task = 'entitlements.newly_eligible'"
    assert await resources.pool.fetchval(told_tasks) == 1  # nor even asked to be told again

    await resources.pool.execute("UPDATE entitlement_states SET status = 'receiving'")  # enrolled since
    await cool_down_over(resources)
    await malee.get("/api/v1/entitlements", params={"refresh": "true"})  # ... and eligible again now
    await run_until_idle(resources)
    assert len((await malee.get("/api/v1/inbox")).json()["items"]) == 2
    assert await resources.pool.fetchval(told_tasks) == 2
