"""CSRF on every state-changing route: each unsafe route refuses the session cookie without its CSRF
token and changes nothing; the few exempt routes are listed with why the cookie gains a forger nothing."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest_asyncio
from litestar import Litestar
from litestar.routes import HTTPRoute

from backend.core.resources import Resources
from backend.identity.service import session_cookie_name
from backend.server.app import create_app
from backend.settings import Settings
from payments.queries import assign_biller
from tests.conftest import app_client, serve_in_process
from tests.factories import make_agency, valid_national_id
from tests.helpers.agency_clients import new_client
from tests.helpers.applications import ANSWERS, FORM, PDF, png
from tests.helpers.catalogue import tile
from tests.helpers.connectors import connector
from tests.helpers.notifications import TEMPLATE, send
from tests.helpers.payments import DEFAULT_BILLER, bill
from tests.integration.conftest import SignIn, demo_settings_for

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Unsafe routes that never act on the session cookie, so a forged cross-site request gains nothing from
# it. Every other unsafe route must refuse the cookie without the CSRF token; a new route that does
# neither fails test_every_unsafe_route_refuses_the_cookie_without_its_csrf_token_and_changes_nothing.
# The agency routes that agencies' systems call with a Bearer token are not listed: staff call the same
# routes with the cookie, so they are checked; the Bearer token needs no CSRF token, as no other site
# can make a browser send it.
EXEMPT_FROM_CSRF: dict[tuple[str, str], str] = {
    ("POST", "/oauth/token"): "agencies' systems authenticate with client id and secret (HTTP Basic), "
    "never a cookie; the token they get is sent as a Bearer header, which no other site can set",
    ("POST", "/api/v1/payments/callbacks/{bank:str}"): "banks sign each callback with HMAC over the body "
    "and a timestamp (docs/bank-callbacks.md); no cookie is read",
    ("POST", "/demo-idp/authorize"): "demo mode: the demo identity provider's person picker; the login it "
    "starts is bound to the browser by state, nonce, PKCE and the login cookie, checked at /auth/callback",
    ("POST", "/demo-idp/token"): "demo mode: the demo identity provider's token endpoint, authenticated "
    "with the app's client secret (HTTP Basic) and the PKCE verifier",
    ("POST", "/demo-bank/review"): "demo mode: stands for a bank's own page; shows what a pasted QR pays, "
    "reads no cookie and changes nothing",
    ("POST", "/demo-bank/pay"): "demo mode: stands for a bank's own app; it pays whatever QR it is given "
    "with a signed callback, as any bank would, and reads no cookie",
    ("POST", "/api/v1/shared/{token:str}/open"): "uses up a one-time share link whose token (in the path) "
    "is the only credential; the receiver has no session, and no cookie is read",
    ("POST", "/api/v1/documents/verify/{code:str}"): "anyone checks a copy of a document: reads only the "
    "posted bytes, no cookie, and changes nothing",
}


def _unsafe_routes(app: Litestar) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        for method in handler.http_methods
        if method in UNSAFE_METHODS
    }


# --- CSRF on every unsafe route ---------------------------------------------------------------------


@dataclass
class World:
    """A person holding every role, with one of each thing the unsafe routes act on."""

    person: httpx.AsyncClient
    ids: dict[str, str]
    someone_elses_token: str
    """The CSRF token of another live session: a forger's own, say."""


_DEVICE_KEYS = {  # RFC 8291's example receiver (Appendix A): any valid P-256 point would do
    "p256dh": "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
    "auth": "BTBZMqHH6r4Tts7J_aSIgg",
}


@pytest_asyncio.fixture
async def world(sign_in: SignIn, resources: Resources) -> World:
    agency_id = await make_agency(resources.pool, status="approved")
    await assign_biller(resources.pool, DEFAULT_BILLER, agency_id, None)
    national_id = valid_national_id(901)
    person = await sign_in(
        ("platform_admin", None),
        ("support", None),
        ("agency_admin", agency_id),
        ("agency_editor", agency_id),
        ("agency_sender", agency_id),
        national_id=national_id,
    )

    async def made(method: str, path: str, body: Any, key: str = "id") -> str:
        response = await person.request(method, path, json=body)
        assert response.status_code in (200, 201), f"{path}: {response.text}"
        return str(response.json()[key])

    agency = f"/api/v1/agency/{agency_id}"
    tile_id = await made("POST", f"{agency}/tiles", tile())
    for step in (f"{agency}/tiles/{tile_id}/submit", f"/api/v1/admin/tiles/{tile_id}/publish"):
        assert (await person.post(step)).status_code == 200, step
    assert (await person.put(f"/api/v1/tiles/{tile_id}/favourite")).status_code in (200, 204)
    connector_id = await made("POST", f"{agency}/connectors", connector("http://127.0.0.1:9", "credit"))
    await made("POST", f"/api/v1/admin/connectors/{connector_id}/approve", None, key="connector_id")
    await made("POST", f"{agency}/notification-templates", TEMPLATE)
    # An application the person sent to their own agency, approved, its document in their wallet, shared.
    application_tile = await made("POST", f"{agency}/tiles", tile(kind="application", link_url=None))
    for step in (
        f"{agency}/tiles/{application_tile}/submit",
        f"/api/v1/admin/tiles/{application_tile}/publish",
    ):
        assert (await person.post(step)).status_code == 200, step
    service = await made(
        "PUT", f"{agency}/application-services/equivalence", {"tile_id": int(application_tile), "form": FORM}
    )
    application_id = await made("POST", "/api/v1/applications", {"service_id": int(service)})
    uploaded = await person.post(
        f"/api/v1/applications/{application_id}/files",
        data={"field": "transcript"},
        files={"file": ("transcript.png", png(), "image/png")},
    )
    assert uploaded.status_code == 201, uploaded.text
    file_id = str(uploaded.json()["id"])
    answers = {**ANSWERS, "transcript": [file_id]}
    await made("PUT", f"/api/v1/applications/{application_id}/answers", {"answers": answers}, key="saved_at")
    await made("POST", f"/api/v1/applications/{application_id}/submit", None)
    await made("POST", f"{agency}/applications/{application_id}/status", {"state": "approved"})
    document = await person.post(
        f"{agency}/applications/{application_id}/document",
        json={"title_th": "ใบรับรอง", "title_en": "Certificate"},
    )
    assert document.status_code == 201, document.text
    document_id = str(document.json()["id"])
    shared = await person.post(f"/api/v1/documents/{document_id}/shares", json={"minutes": 60})
    assert shared.status_code == 201, shared.text
    ids = {
        "agency_id": str(agency_id),
        "tile_id": tile_id,
        "connector_id": connector_id,
        "consent_id": await made("POST", "/api/v1/me/consents", {"connector_id": int(connector_id)}),
        "client_id": (await new_client(person, agency_id, ["bills"]))["client_id"],
        "bill_id": await made("POST", "/api/v1/agency/bills", bill(national_id)),
        "notification_id": await made("POST", "/api/v1/agency/notifications", send(national_id)),
        "subscription_id": await made(
            "POST",
            "/api/v1/push/subscriptions",
            {"endpoint": "http://127.0.0.1:9/push/device-1", "keys": _DEVICE_KEYS},
        ),
        "grant_id": str((await person.get("/api/v1/admin/role-grants")).json()[0]["id"]),
        "session_id": (await person.get("/api/v1/me/sessions")).json()[0]["id"],
        "bank": "test-bank",
        "application_id": application_id,
        "file_id": file_id,
        "document_id": document_id,
        "share_id": str(shared.json()["share"]["id"]),
        "code": str(document.json()["verification_code"]),  # a document's (no service has this code)
    }
    someone_else = await sign_in()
    return World(person=person, ids=ids, someone_elses_token=someone_else.headers["X-CSRF-Token"])


_PATH_PARAMETER = re.compile(r"\{(\w+):(\w+)\}")


def _concrete(path: str, ids: Mapping[str, str]) -> str:
    """The route's path with each parameter filled in: a real row where the world has one."""
    defaults = {"int": "987654", "uuid": str(uuid.uuid4()), "str": "unknown"}
    return _PATH_PARAMETER.sub(lambda m: ids.get(m.group(1), defaults[m.group(2)]), path)


def _required_query(app: Litestar, method: str, path: str, ids: Mapping[str, str]) -> dict[str, str]:
    """Required query parameters (from the OpenAPI document): Litestar refuses a request without them
    before any dependency runs, so the check would not be reached (nor would a forger's request)."""
    operation = app.openapi_schema.to_schema()["paths"].get(re.sub(r":\w+\}", "}", path), {})
    samples = {"date": "2026-01-31", "date-time": "2026-01-31T00:00:00Z", "integer": "1"}
    query = {}
    for parameter in operation.get(method.lower(), {}).get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            schema = parameter.get("schema", {})
            query[parameter["name"]] = ids.get(parameter["name"]) or samples.get(
                schema.get("format", schema.get("type")), "x"
            )
    return query


def _forged_body(app: Litestar, method: str, path: str) -> dict[str, Any]:
    """What a forger posts: a multipart form where the route takes one (any site's HTML form can send
    it), JSON otherwise. Litestar reads a multipart body before any dependency runs, so a malformed one
    would be refused before the CSRF check is reached (as no forger's browser would send one)."""
    operation = app.openapi_schema.to_schema()["paths"].get(re.sub(r":\w+\}", "}", path), {})
    content = operation.get(method.lower(), {}).get("requestBody", {}).get("content", {})
    if "multipart/form-data" in content:
        return {
            "data": {"field": "transcript", "title_th": "ปลอม", "title_en": "Forged"},
            "files": {"file": ("forged.pdf", PDF, "application/pdf")},
        }
    return {"json": {}}


async def _everything(resources: Resources) -> tuple[str, dict[str, Any]]:
    """A digest of every table's rows, and Redis's contents: a session's last-seen time and rate-limit
    buckets aside (a refused attempt still counts against its sender's budget)."""
    tables = await resources.pool.fetch(  # a partitioned table's rows are read through it, not each month
        "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND NOT EXISTS "
        "(SELECT FROM pg_inherits WHERE inhrelid = quote_ident(tablename)::regclass) ORDER BY 1"
    )
    digest = hashlib.sha256()
    for table in tables:
        rows = await resources.pool.fetchval(
            f"SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {table['name']} t"
        )
        digest.update(f"{table['name']}\n{rows}\n".encode())
    redis: dict[str, Any] = {}
    async for raw_key in resources.redis.scan_iter():
        key = raw_key.decode()
        if key.startswith("session:"):
            session = msgspec.json.decode(await resources.redis.get(raw_key) or b"{}")
            redis[key] = {name: value for name, value in session.items() if name != "last_seen_at"}
        elif not key.startswith("ratelimit:"):
            redis[key] = await resources.redis.dump(raw_key)  # any type, serialized
    return digest.hexdigest(), redis


def _csrf_refusal(response: httpx.Response) -> str | None:
    """None when the response is the CSRF refusal; otherwise what it was instead."""
    if response.status_code != 403 or response.headers.get("content-type") != "application/problem+json":
        return f"{response.status_code} {response.text[:200]}"
    problem = response.json()
    if problem.get("status") != 403 or "CSRF" not in problem.get("detail", ""):
        return f"403 for another reason: {problem.get('detail')}"
    return None


async def _refusals(
    app: Litestar,
    resources: Resources,
    routes: set[tuple[str, str]],
    cookie: tuple[str, str],
    world: World,
) -> list[str]:
    """Each route asked with the cookie and no token, then with another session's token: what went
    wrong (nothing, when each was refused for its token and left everything as it was)."""
    ids = world.ids
    problems = []
    async with app_client(app) as forger:
        forger.cookies.set(*cookie)
        for method, path in sorted(routes):
            url, query = _concrete(path, ids), _required_query(app, method, path, ids)
            before = await _everything(resources)
            for headers in ({}, {"X-CSRF-Token": world.someone_elses_token}):
                response = await forger.request(
                    method, url, params=query, headers=headers, **_forged_body(app, method, path)
                )
                if (wrong := _csrf_refusal(response)) is not None:
                    problems.append(f"{method} {path} {'with a wrong token ' if headers else ''}gave {wrong}")
            if await _everything(resources) != before:
                problems.append(f"{method} {path} changed something although refused")
    return problems


async def test_every_unsafe_route_refuses_the_cookie_without_its_csrf_token_and_changes_nothing(
    app: Litestar, resources: Resources, world: World
) -> None:
    routes = _unsafe_routes(app) - EXEMPT_FROM_CSRF.keys()
    assert len(routes) > 40  # the enumeration found the app's routes
    cookie_name = session_cookie_name(app.state.identity.settings)
    cookie = (cookie_name, world.person.cookies[cookie_name])
    assert await _refusals(app, resources, routes, cookie, world) == []
    # With its token the same cookie is let through, and the change is seen: the refusals were the
    # token's doing alone, and "changed nothing" was checked by something that notices a change.
    before = await _everything(resources)
    read = await world.person.post(f"/api/v1/inbox/{world.ids['notification_id']}/read")
    assert read.status_code == 204
    assert await _everything(resources) != before


async def test_demo_modes_own_unsafe_routes_refuse_the_cookie_without_its_csrf_token(
    app: Litestar, settings: Settings, resources: Resources, world: World, tmp_path: Path
) -> None:
    demo = create_app(demo_settings_for(settings, tmp_path))
    routes = _unsafe_routes(demo) - _unsafe_routes(app) - EXEMPT_FROM_CSRF.keys()
    assert routes  # the demo phone, at least
    name = session_cookie_name(settings)  # "session" in both: plain http
    async with serve_in_process(demo):
        assert session_cookie_name(demo.state.identity.settings) == name
        assert await _refusals(demo, resources, routes, (name, world.person.cookies[name]), world) == []


async def test_the_routes_exempt_from_csrf_exist_and_do_nothing_for_the_cookie_alone(
    app: Litestar, settings: Settings, resources: Resources, world: World, tmp_path: Path
) -> None:
    every_route = _unsafe_routes(app) | _unsafe_routes(create_app(demo_settings_for(settings, tmp_path)))
    assert set(EXEMPT_FROM_CSRF) <= every_route  # the list names no route that is gone
    name = session_cookie_name(settings)
    async with app_client(app) as forger, app_client(app) as stranger:
        forger.cookies.set(name, world.person.cookies[name])
        for method, path in sorted(EXEMPT_FROM_CSRF.keys() & _unsafe_routes(app)):
            url = _concrete(path, world.ids)  # a share link's token is its credential: an unknown one here
            before = await _everything(resources)
            response = await forger.request(method, url, json={})
            assert await _everything(resources) == before, path
            # Refused (no client secret, no bank signature, no such link), or, for the check of a
            # document's copy, the answer anyone gets: the cookie adds nothing.
            assert response.status_code in (400, 401, 404) or path.startswith("/api/v1/documents/verify/"), (
                f"{path}: {response.text}"
            )
            without = await stranger.request(method, url, json={})
            assert (response.status_code, response.headers.get("content-type")) == (
                without.status_code,
                without.headers.get("content-type"),
            ), f"{path}: the cookie changed the answer: {response.text} / {without.text}"
