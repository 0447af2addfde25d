"""Issue 22 item 2: a parent acts for their child under 15, a guardian for their ward, as a registry (a
connector answering ``POST /v1/relationships``) confirms, with no acceptance; a parent's grant ends on
the child's 15th birthday by itself, a guardian's when the registry says the guardianship ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from backend.core.resources import Resources
from backend.delegation.family import last_day_as_child
from backend.delegation.service import today
from backend.server.worker import build_worker, recheck_guardianships
from tests.factories.delegation import make_delegation
from tests.helpers.connectors import agency_with, connector, control
from tests.helpers.delegation import new_national_id, new_person
from tests.integration.conftest import SignIn


async def _registry(
    sign_in: SignIn, resources: Resources, agencies_url: str, service: str, answers: str
) -> int:
    """A registry as the operator sets one up: an approved connector, then its ``answers`` (the one
    live registry of that kind: an earlier test's is turned off)."""
    _, _, [connector_id] = await agency_with(sign_in, resources, [connector(agencies_url, service)])
    await resources.pool.execute("UPDATE connectors SET status = 'disabled' WHERE answers = $1", answers)
    await resources.pool.execute("UPDATE connectors SET answers = $2 WHERE id = $1", connector_id, answers)
    return connector_id


async def _hold(
    agencies_url: str, service: str, adult: str, child: str, birthdate: dt.date, **extra: Any
) -> None:
    async with httpx.AsyncClient() as client:
        held = await client.post(
            f"{agencies_url}/{service}/_relationships",
            json={"adult_national_id": adult, "child_national_id": child,
                  "child_birthdate": birthdate.isoformat(), "child_name_th": "เด็กชายภูมิ สุขใจ",
                  "child_name_en": "Phum Sukjai", **extra},
        )  # fmt: skip
        assert held.status_code == 200, held.text


def _add(relationship: str, child: str, birthdate: dt.date) -> dict[str, str]:
    return {"relationship": relationship, "national_id": child, "birthdate": birthdate.isoformat()}


async def _log(browser: httpx.AsyncClient) -> list[dict[str, Any]]:
    page = await browser.get("/api/v1/me/data-access")
    assert page.status_code == 200, page.text
    return list(page.json()["items"])


async def test_a_confirmed_parent_acts_for_their_child_at_once_until_the_15th_birthday(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    await control(agencies_url, "civil-registry", "ok")
    await _registry(sign_in, resources, agencies_url, "civil-registry", "parentage")
    malee, malee_id = await new_person(sign_in, resources, "มาลี สุขใจ", "Malee Sukjai")
    child, born = new_national_id(), today().replace(year=today().year - 7)
    await _hold(agencies_url, "civil-registry", malee_id, child, born)

    added = await malee.post("/api/v1/me/delegations/family", json=_add("parent", child, born))
    assert added.status_code == 201, added.text
    grant = added.json()
    assert (grant["kind"], grant["status"], grant["direction"]) == ("parent", "active", "received")
    assert grant["ends_on"] == last_day_as_child(born).isoformat()
    assert grant["other"] == {"name_th": "เด็กชายภูมิ สุขใจ", "name_en": "Phum Sukjai"}
    assert {scope["key"] for scope in grant["scopes"]} == {
        "entitlements", "bills", "messages", "applications", "documents"
    }  # fmt: skip
    [event] = grant["events"]
    assert event["kind"] == "confirmed"
    assert event["by_me"] is True
    again = await malee.post("/api/v1/me/delegations/family", json=_add("parent", child, born))
    assert again.status_code == 409
    # Acting at once, without the child ever having logged in.
    assert (await malee.get("/api/v1/inbox", headers={"X-Acting-For": grant["id"]})).status_code == 200

    # The child's log (their row made from the registry's answer) names the parent and the registry.
    child_id = await resources.pool.fetchval(
        "SELECT grantor_id::text FROM delegations WHERE id = $1::uuid", grant["id"]
    )
    purposes = await resources.pool.fetch(
        "SELECT kind, actor_kind, purpose_th FROM data_access_log WHERE citizen_id = $1::uuid ORDER BY id",
        child_id,
    )
    [confirmed] = [row for row in purposes if row["kind"] == "agency_call"]
    assert "ยืนยันว่า มาลี สุขใจ เป็นบิดาหรือมารดาของคุณ" in confirmed["purpose_th"]
    assert confirmed["actor_kind"] == "delegate", "named as the one who acts for the child, never 'you'"
    assert any(row["kind"] == "delegation" for row in purposes)
    mine = [item for item in await _log(malee) if item["kind"] == "agency_call"]
    assert "เด็กชายภูมิ สุขใจ" in mine[0]["purpose_th"]

    # The child turns 15: the registry-confirmed birth date moved so that the birthday is today.
    turned = today() - dt.timedelta(days=1)
    turned = turned.replace(year=turned.year - 15, day=min(turned.day, 28))  # its 15th birthday has passed
    await resources.pool.execute(
        "UPDATE delegations SET child_birthdate = $2, ends_on = $3 WHERE id = $1::uuid",
        grant["id"], turned, last_day_as_child(turned),
    )  # fmt: skip
    refused = await malee.get("/api/v1/inbox", headers={"X-Acting-For": grant["id"]})
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/acting-ended"
    [listed] = (await malee.get("/api/v1/me/delegations")).json()["received"]
    assert listed["status"] == "ended"


async def test_not_confirmed_fifteen_or_over_and_a_registry_down_are_refused_and_make_no_grant(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    await control(agencies_url, "civil-registry", "ok")
    await _registry(sign_in, resources, agencies_url, "civil-registry", "parentage")
    somchai, somchai_id = await new_person(sign_in, resources, "สมชาย ใจดี", "Somchai Jaidee")
    child, born = new_national_id(), today().replace(year=today().year - 5)
    await _hold(agencies_url, "civil-registry", somchai_id, child, born)

    rows_before = await resources.pool.fetchval("SELECT count(*) FROM citizens WHERE issuer = 'registry'")
    wrong_day = await somchai.post(
        "/api/v1/me/delegations/family", json=_add("parent", child, born - dt.timedelta(days=1))
    )
    assert wrong_day.status_code == 422, wrong_day.text
    assert wrong_day.json()["type"] == "/problems/relationship-not-confirmed"
    stranger = await somchai.post(
        "/api/v1/me/delegations/family", json=_add("parent", new_national_id(), born)
    )
    assert stranger.json()["type"] == "/problems/relationship-not-confirmed"
    # Nobody's row was made for a number the registry did not confirm.
    rows_after = await resources.pool.fetchval("SELECT count(*) FROM citizens WHERE issuer = 'registry'")
    assert rows_after == rows_before

    old = today().replace(year=today().year - 16)
    too_old = await somchai.post("/api/v1/me/delegations/family", json=_add("parent", child, old))
    assert too_old.status_code == 400
    assert too_old.json()["errors"][0]["field"] == "birthdate"

    await control(agencies_url, "civil-registry", "fail")
    try:
        down = await somchai.post("/api/v1/me/delegations/family", json=_add("parent", child, born))
    finally:
        await control(agencies_url, "civil-registry", "ok")
    assert down.status_code == 503, down.text
    assert down.json()["type"] == "/problems/registry-unavailable"
    assert (await somchai.get("/api/v1/me/delegations")).json()["received"] == []
    failed = [item for item in await _log(somchai) if item["kind"] == "agency_call"]
    assert failed[0]["outcome"] == "failed"


async def test_a_guardianship_the_registry_ends_is_refused_from_the_next_request(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    await control(agencies_url, "guardianship", "ok")
    await _registry(sign_in, resources, agencies_url, "guardianship", "guardianship")
    boonmee, boonmee_id = await new_person(sign_in, resources, "บุญมี พอเพียง", "Boonmee Phophiang")
    ward, born = new_national_id(), today().replace(year=today().year - 9)
    await _hold(agencies_url, "guardianship", boonmee_id, ward, born)
    added = await boonmee.post("/api/v1/me/delegations/family", json=_add("guardian", ward, born))
    assert added.status_code == 201, added.text
    grant = added.json()
    assert grant["kind"] == "guardian"
    assert grant["ends_on"] <= today().replace(year=today().year + 1).isoformat()
    headers = {"X-Acting-For": grant["id"]}
    assert (await boonmee.get("/api/v1/inbox", headers=headers)).status_code == 200

    # The worker's hourly job (the one scheduled) asks again about guardianships confirmed over a day ago.
    assert recheck_guardianships in {job.function for job in build_worker(resources).cron_jobs}
    worker_context: dict[str, Any] = {"resources": resources}
    # Confirmed again a day later: it holds on, confirmed now.
    await resources.pool.execute(
        """
        UPDATE delegations SET confirmed_at = now() - interval '2 days', ends_on = ends_on - 2
        WHERE id = $1::uuid
        """,
        grant["id"],
    )
    assert await recheck_guardianships(worker_context) == 0
    again = await resources.pool.fetchrow(
        "SELECT status, confirmed_at > now() - interval '1 minute' AS fresh "
        "FROM delegations WHERE id = $1::uuid",
        grant["id"],
    )
    assert again is not None
    assert (again["status"], again["fresh"]) == ("active", True)

    # The court ends the guardianship; the daily re-check hears it.
    await _hold(agencies_url, "guardianship", boonmee_id, ward, born, confirmed=False)
    await resources.pool.execute(
        """
        UPDATE delegations SET confirmed_at = now() - interval '2 days', ends_on = ends_on - 2
        WHERE id = $1::uuid
        """,
        grant["id"],
    )
    assert await recheck_guardianships(worker_context) == 1
    refused = await boonmee.get("/api/v1/inbox", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["type"] == "/problems/acting-ended"
    [listed] = (await boonmee.get("/api/v1/me/delegations")).json()["received"]
    assert listed["status"] == "ended"
    assert [event["kind"] for event in listed["events"]] == ["confirmed", "registry_ended"]


async def test_a_child_born_on_29_february_is_acted_for_until_27_february_of_the_15th_year(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    """The rule in Python and the database's CHECK add years alike (29 February + 15 years = 28 February)."""
    await control(agencies_url, "civil-registry", "ok")
    await _registry(sign_in, resources, agencies_url, "civil-registry", "parentage")
    parent, parent_id = await new_person(sign_in, resources, "วิภา ทำงาน", "Wipa Thamngan")
    child, born = new_national_id(), dt.date(2016, 2, 29)
    await _hold(agencies_url, "civil-registry", parent_id, child, born)
    added = await parent.post("/api/v1/me/delegations/family", json=_add("parent", child, born))
    assert added.status_code == 201, added.text
    assert added.json()["ends_on"] == "2031-02-27"
    renewed = await parent.post(
        f"/api/v1/me/delegations/{added.json()['id']}/renew", json={"ends_on": today().isoformat()}
    )
    assert renewed.status_code == 404  # the parent is not the grantor; the rule is the registry's anyway


async def test_a_parent_who_acts_for_as_many_people_as_one_may_is_refused_as_a_chosen_grant_is(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    await control(agencies_url, "civil-registry", "ok")
    await _registry(sign_in, resources, agencies_url, "civil-registry", "parentage")
    malee, malee_nid = await new_person(sign_in, resources, "มาลี สุขใจ", "Malee Sukjai")
    malee_id = (await malee.get("/api/v1/me")).json()["id"]
    grants = []
    for _ in range(resources.settings.delegations_per_delegate):
        grantor_id = (await (await sign_in()).get("/api/v1/me")).json()["id"]
        grants.append(await make_delegation(resources.pool, grantor_id=grantor_id, delegate_id=malee_id))
    child, born = new_national_id(), today().replace(year=today().year - 7)
    await _hold(agencies_url, "civil-registry", malee_nid, child, born)

    refused = await malee.post("/api/v1/me/delegations/family", json=_add("parent", child, born))
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"] == "/problems/too-many-delegations"
    assert [item for item in await _log(malee) if item["kind"] == "agency_call"] == [], "registry not asked"
    assert len((await malee.get("/api/v1/me/delegations")).json()["received"]) == len(grants)

    assert (await malee.post(f"/api/v1/me/delegations/{grants[0].id}/end", json={})).status_code == 200
    added = await malee.post("/api/v1/me/delegations/family", json=_add("parent", child, born))
    assert added.status_code == 201, added.text
