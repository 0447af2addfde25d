"""People and grants, shared by the delegation tests (granting, acting for someone, family, notices)."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import httpx
from litestar import Litestar

from backend.core.crypto import national_id_check_digit
from backend.core.resources import Resources
from backend.delegation.schemas import Scope
from backend.delegation.service import today
from backend.identity.service import session_cookie_name
from backend.identity.sessions import session_key
from tests.factories import make_agency, make_bill, make_notification, valid_national_id
from tests.factories.delegation import make_delegation
from tests.integration.conftest import SignIn

_numbers = iter(range(10**6))


def new_national_id() -> str:
    first_twelve = f"7{int(time.time() * 1000) % 10**6:06d}{next(_numbers):05d}"
    return first_twelve + str(national_id_check_digit(first_twelve))


async def new_person(
    sign_in: SignIn, resources: Resources, name_th: str, name_en: str
) -> tuple[httpx.AsyncClient, str]:
    national_id = new_national_id()
    browser = await sign_in(national_id=national_id)
    me = (await browser.get("/api/v1/me")).json()
    await resources.pool.execute(
        "UPDATE citizens SET name_th = $2, name_en = $3 WHERE id = $1::uuid", me["id"], name_th, name_en
    )
    return browser, national_id


def grant_body(national_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "national_id": national_id,
        "scopes": ["bills", "messages"],
        "ends_on": (today() + dt.timedelta(days=90)).isoformat(),
        **extra,
    }


async def named(resources: Resources, *people: tuple[httpx.AsyncClient, str, str]) -> list[str]:
    """The signed-in people's ids, each given a Thai and an English name (as their ID card would)."""
    ids = [(await browser.get("/api/v1/me")).json()["id"] for browser, _, _ in people]
    for citizen_id, (_, name_th, name_en) in zip(ids, people, strict=True):
        await resources.pool.execute(
            "UPDATE citizens SET name_th = $2, name_en = $3 WHERE id = $1::uuid", citizen_id, name_th, name_en
        )
    return ids


async def grantor_and_delegate(
    app: Litestar, sign_in: SignIn, resources: Resources, scopes: tuple[Scope, ...] = ("bills", "messages")
) -> dict[str, Any]:
    """Somchai, who has a bill and a message; Suda, who acts for him in ``scopes``."""
    national_id = valid_national_id(220)
    somchai = await sign_in(national_id=national_id)
    suda = await sign_in()
    ids = await named(resources, (somchai, "สมชาย", "Somchai"), (suda, "สุดา", "Suda"))
    agency = await make_agency(resources.pool, status="approved")
    bill = await make_bill(resources.pool, agency, app.state.identity.cipher.lookup_hash(national_id))
    message = await make_notification(resources.pool, ids[0], agency)
    grant = await make_delegation(resources.pool, grantor_id=ids[0], delegate_id=ids[1], scopes=scopes)
    return {
        "somchai": somchai, "suda": suda, "somchai_id": ids[0], "suda_id": ids[1], "bill": str(bill.id),
        "message": str(message.id), "grant": str(grant.id), "as_him": {"X-Acting-For": str(grant.id)},
    }  # fmt: skip


async def logged_in(
    resources: Resources, browser: httpx.AsyncClient, *, acr: str = "urn:demo:ial:2", ago_seconds: int = 0
) -> None:
    """Make the browser's own session a login of ``acr`` ``ago_seconds`` ago: an old or weak one, or
    (the defaults) what logging in again with a step-up leaves."""
    token = browser.cookies[session_cookie_name(resources.settings)]
    key = session_key(token)
    stored = json.loads(await resources.redis.get(key) or b"{}")
    assert stored, "a session of this browser's"
    stored.update(acr=acr, auth_time=int(time.time()) - ago_seconds)
    await resources.redis.set(key, json.dumps(stored), keepttl=True)
