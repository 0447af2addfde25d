"""Answers past their fresh time live in PostgreSQL, not Redis (migration 0033): Redis holds a citizen's
copy only while it is fresh, the page still shows the last answer (dated, stale) for a day after, and the
retention job forgets it once no page may show it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from backend.connectors import answers
from backend.connectors.answers import STALE_KEEP_SECONDS
from backend.connectors.service import forget_old_answers
from backend.core.resources import Resources
from tests.helpers.connectors import agency_with, connector, control
from tests.integration.conftest import SignIn

MALEE = "1100700945129"  # a new mother among the demo people
CACHE_SECONDS = 120


@pytest_asyncio.fixture(autouse=True)
async def well_behaved(agencies_url: str) -> AsyncIterator[None]:
    yield
    async with httpx.AsyncClient() as client:
        await client.post(f"{agencies_url}/health/_control", json={"mode": "ok"})


def _health(page: dict[str, Any]) -> dict[str, Any]:
    results: list[dict[str, Any]] = page["agencies"]
    [result] = [result for result in results if result["connector_title"] == "Service health"]
    return result


async def test_a_copy_past_its_fresh_time_comes_from_postgresql_for_a_day_then_is_forgotten(
    sign_in: SignIn, resources: Resources, agencies_url: str, app: Any
) -> None:
    _, _, [connector_id] = await agency_with(
        sign_in, resources, [connector(agencies_url, "health", cache_seconds=CACHE_SECONDS)]
    )
    citizen = await sign_in(national_id=MALEE)
    citizen_id = (await citizen.get("/api/v1/me")).json()["id"]
    first = _health((await citizen.get("/api/v1/entitlements", params={"lang": "en"})).json())
    assert first["state"] == "fresh"
    copy_key, hold_key = (
        answers.copy_key(connector_id, citizen_id),
        answers.hold_key(connector_id, citizen_id),
    )
    # In Redis only while fresh (and a minute's grace for a request waiting on the call), no longer.
    assert 0 < await resources.redis.ttl(copy_key) <= CACHE_SECONDS + 60
    kept = await resources.pool.fetchrow(
        "SELECT answer FROM entitlement_answers WHERE citizen_id = $1::uuid AND connector_id = $2",
        citizen_id,
        connector_id,
    )
    assert kept is not None
    assert kept["answer"]["entitlements"][0]["scheme_id"] == "uc-scheme"

    # Redis lost its copy (a restart) while it is fresh: PostgreSQL's is served fresh, no agency asked.
    await resources.redis.delete(copy_key, hold_key)
    await control(agencies_url, "health", "fail")
    again = _health((await citizen.get("/api/v1/entitlements", params={"lang": "en"})).json())
    assert (again["state"], again["entitlements"][0]["scheme_id"]) == ("fresh", "uc-scheme")
    assert len((await citizen.get("/api/v1/me/data-access")).json()["items"]) == 1

    # Past its fresh time Redis's copy has expired, and the agency fails: the last answer, dated.
    await resources.pool.execute(
        "UPDATE entitlement_answers SET fetched_at = now() - make_interval(secs => $1)", CACHE_SECONDS + 1
    )
    await resources.redis.delete(copy_key, hold_key)
    await control(agencies_url, "health", "fail")
    page = _health((await citizen.get("/api/v1/entitlements", params={"lang": "en"})).json())
    assert page["state"] == "stale"
    assert page["entitlements"][0]["scheme_id"] == "uc-scheme"
    await app.state.entitlements.settle()  # the background refresh failed: the kept answer stays
    assert await resources.pool.fetchval("SELECT count(*) FROM entitlement_answers") == 1

    # A day past its fresh time no page may show it: not shown, and the retention job deletes it.
    await resources.pool.execute(
        "UPDATE entitlement_answers SET fetched_at = now() - make_interval(secs => $1)",
        CACHE_SECONDS + STALE_KEEP_SECONDS + 1,
    )
    await resources.redis.delete(copy_key, hold_key)
    gone = _health((await citizen.get("/api/v1/entitlements", params={"lang": "en"})).json())
    assert (gone["state"], gone["entitlements"]) == ("unavailable", [])
    assert await forget_old_answers(resources.pool) == 0  # the longest cache lifetime has not passed
    await resources.pool.execute(
        "UPDATE entitlement_answers SET fetched_at = now() - make_interval(secs => $1)",
        86400 + STALE_KEEP_SECONDS + 1,
    )
    assert await forget_old_answers(resources.pool) == 1
    assert await resources.pool.fetchval("SELECT count(*) FROM entitlement_answers") == 0


async def test_withdrawing_consent_forgets_the_kept_answer(
    sign_in: SignIn, resources: Resources, agencies_url: str
) -> None:
    _, _, [connector_id] = await agency_with(
        sign_in, resources, [connector(agencies_url, "health", consent_required=True, consent_days=30)]
    )
    citizen = await sign_in(national_id=MALEE)
    given = await citizen.post("/api/v1/me/consents", json={"connector_id": connector_id})
    assert given.status_code == 201, given.text
    assert (
        _health((await citizen.get("/api/v1/entitlements", params={"lang": "en"})).json())["state"] == "fresh"
    )
    assert await resources.pool.fetchval("SELECT count(*) FROM entitlement_answers") == 1

    withdrawn = await citizen.delete(f"/api/v1/me/consents/{given.json()['id']}")
    assert withdrawn.status_code == 204, withdrawn.text
    assert await resources.pool.fetchval("SELECT count(*) FROM entitlement_answers") == 0
