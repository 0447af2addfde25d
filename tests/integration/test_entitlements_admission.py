"""A rush meets the door, not a queue (ENTITLEMENTS_FANOUTS_PER_PROCESS): while a process already has as
many entitlement pages asking agencies as it can serve, a citizen whose answers it holds sees them at once,
marked as the latest it has, and a citizen it holds nothing for is told to come back in a few seconds
(503 with Retry-After); no agency is asked for either, and both are served as usual once it eases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from backend.connectors.entitlements import EntitlementsService
from backend.core.resources import Resources
from tests.helpers.connectors import agency_with, connector, control, cool_down_over
from tests.integration.conftest import SignIn

MALEE = "1100700945129"
SOMCHAI = "3101200581231"
TITLES = {"en": "Service health", "th": "บริการ health"}


@pytest_asyncio.fixture(autouse=True)
async def well_behaved(agencies_url: str) -> AsyncIterator[None]:
    await control(agencies_url, "health", "ok")
    yield


async def _health(citizen: httpx.AsyncClient, language: str = "en") -> dict[str, Any]:
    page = (await citizen.get("/api/v1/entitlements", params={"lang": language})).json()
    [found] = [result for result in page["agencies"] if result["connector_title"] == TITLES[language]]
    return dict(found)


async def _records(citizen: httpx.AsyncClient) -> int:
    return len((await citizen.get("/api/v1/me/data-access")).json()["items"])


async def test_at_capacity_held_answers_are_shown_marked_and_a_newcomer_is_told_to_come_back(
    sign_in: SignIn, resources: Resources, agencies_url: str, app: Any
) -> None:
    # cache_seconds 0: every answer is past its fresh time at once, so each page would ask the agency.
    await agency_with(sign_in, resources, [connector(agencies_url, "health", cache_seconds=0)])
    known = await sign_in(national_id=MALEE)
    assert (await _health(known))["state"] == "fresh"
    service: EntitlementsService = app.state.entitlements
    await service.settle()
    asked = await _records(known)
    await cool_down_over(resources)  # the next page would ask again

    service.fanouts = service.max_fanouts  # as many pages asking agencies this moment as it can serve
    try:
        held = await _health(known)
        assert (held["state"], held["entitlements"][0]["scheme_id"]) == ("stale", "uc-scheme")
        assert "many people" in held["reason"]
        held_th = await _health(known, "th")
        assert "มีผู้ใช้จำนวนมาก" in held_th["reason"]
        newcomer = await sign_in(national_id=SOMCHAI)
        refused = await newcomer.get("/api/v1/entitlements")
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "/problems/service-unavailable"
        assert int(refused.headers["retry-after"]) >= 1
        await service.settle()
        assert await _records(known) == asked  # no agency was asked for either of them
        assert await _records(newcomer) == 0
    finally:
        service.fanouts = 0

    assert (await _health(newcomer))["state"] == "fresh"  # eased: served as usual
    assert (await _health(known))["state"] in ("fresh", "stale")
