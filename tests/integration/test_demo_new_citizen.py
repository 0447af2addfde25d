"""The demo identity provider lets any valid national ID log in as a new citizen (``make rush`` needs
thousands of distinct first logins); anything else is still refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio

from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import serve_in_process
from tests.factories import valid_national_id
from tests.helpers.identity import ORIGIN, authorize_form, pick
from tests.integration.conftest import demo_settings_for

NATIONAL_ID = valid_national_id(987_654_321)


@pytest_asyncio.fixture
async def demo(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(demo_settings_for(settings, tmp_path, PUBLIC_URL=ORIGIN))
    async with serve_in_process(app, ORIGIN) as client:
        yield client


async def test_any_valid_national_id_logs_in_as_a_new_citizen(demo: httpx.AsyncClient) -> None:
    done = await pick(demo, NATIONAL_ID, next="/")
    assert done.status_code == 303
    me = (await demo.get("/api/v1/me")).json()
    assert me["name_en"] == "New Citizen"
    assert me["national_id_masked"] == f"x-xxxx-xxxxx-{NATIONAL_ID[10:12]}-{NATIONAL_ID[12]}"


async def test_anything_else_is_refused(demo: httpx.AsyncClient) -> None:
    wrong_check_digit = NATIONAL_ID[:12] + str((int(NATIONAL_ID[12]) + 1) % 10)
    form = await authorize_form(demo)
    for person in (wrong_check_digit, "nobody", ""):
        refused = await demo.post("/demo-idp/authorize", data={**form, "person": person})
        assert refused.status_code == 400, person
