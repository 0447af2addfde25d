"""A citizen and counter staff, shared by the assisted-mode tests (help at a counter, its notices)."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar

from backend.core.resources import Resources
from tests.factories import make_agency, make_bill, valid_national_id
from tests.helpers.delegation import named
from tests.integration.conftest import SignIn

POINT = "สำนักงานเขตบางรัก ช่อง 3"


async def counter_world(
    app: Litestar, sign_in: SignIn, resources: Resources, seed: int = 301
) -> dict[str, Any]:
    """Somchai, who has a bill; Somsri, counter staff at the district office."""
    national_id = valid_national_id(seed)
    somchai = await sign_in(national_id=national_id)
    somsri = await sign_in(("counter_staff", None))
    ids = await named(resources, (somchai, "สมชาย ใจดี", "Somchai"), (somsri, "สมศรี ใจงาม", "Somsri"))
    agency = await make_agency(resources.pool, status="approved")
    bill = await make_bill(resources.pool, agency, app.state.identity.cipher.lookup_hash(national_id))
    return {
        "somchai": somchai, "somsri": somsri, "somchai_id": ids[0], "somsri_id": ids[1],
        "national_id": national_id, "bill": str(bill.id),
    }  # fmt: skip


async def new_code(world: dict[str, Any], scopes: list[str] | None = None) -> str:
    made = await world["somchai"].post("/api/v1/me/assisted/codes", json={"scopes": scopes or ["bills"]})
    assert made.status_code == 201, made.text
    code: str = made.json()["code"]
    assert len(code) == 6
    assert code.isdigit()
    return code


async def enter_code(
    world: dict[str, Any], code: str, browser: httpx.AsyncClient | None = None
) -> httpx.Response:
    body = {"national_id": world["national_id"], "code": code, "service_point": POINT}
    return await (browser or world["somsri"]).post("/api/v1/counter/sessions/by-code", json=body)
