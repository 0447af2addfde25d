"""No log line carries a national ID, a session cookie, a CSRF token or any credential.

One journey through the app touches every place such values pass (login, sessions, agency clients and
tokens, connectors with API keys, bills, bank callbacks, webhooks, pushes, support look-ups, refusals)
while every log line is captured: the app's own handler writing JSON lines to stderr (capfd) and the
records themselves (caplog)."""

from __future__ import annotations

import base64
import logging
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from backend.core.resources import Resources
from backend.identity.service import session_cookie_name
from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import serve_in_process
from tests.factories import valid_national_id
from tests.helpers.agency_clients import new_client, request_token
from tests.helpers.connectors import approve_connectors, connector, control
from tests.helpers.identity import ORIGIN, pick
from tests.helpers.notifications import TEMPLATE, new_device, run_until_idle, send
from tests.helpers.payments import BANK_SECRET, bill, callback, issuer, post_callback
from tests.integration.conftest import SignIn, demo_settings_for
from tests.webhook_receiver import webhook_receiver

CITIZEN = valid_national_id(9501)  # logs in, is told their entitlements, pays a bill, gets messages
NEVER_LOGGED_IN = valid_national_id(9502)  # support staff look for them
MALEE = "1100700945129"  # the demo person who logs in through the demo identity provider
API_KEY = "connector-api-key-5b1f0c9e7d"
WEBHOOK_TOKEN = "agency-webhook-token-9c4e2a"


class _CurrentStderr:
    """Writes to whatever sys.stderr is at the time: capfd replaces it for each phase of a test."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


@pytest_asyncio.fixture
async def demo(
    settings: Settings, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> AsyncIterator[httpx.AsyncClient]:
    """The app in demo mode (its own identity provider) over https. Making it configures the process's
    logging as the app always does; its handler then writes into capfd, and is put back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    demo_app = create_app(demo_settings_for(settings, tmp_path, PUBLIC_URL=ORIGIN))
    for handler in root.handlers:
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(_CurrentStderr())
    try:
        async with serve_in_process(demo_app, ORIGIN) as web:
            yield web
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _settings_secrets(settings: Settings) -> list[str]:
    keys = [entry.partition(":")[2] for entry in settings.id_encryption_keys.split(",")]
    return [
        settings.secret_key,
        settings.id_hash_key,
        *keys,
        settings.vapid_private_key,
        settings.oidc_client_secret,
        *(secret.decode() for secret in settings.bank_secret_map.values()),
    ]


def _session_values(browser: httpx.AsyncClient, cookie_name: str) -> list[str]:
    return [browser.cookies[cookie_name], browser.headers["X-CSRF-Token"]]


@dataclass
class Journey:
    """What the steps share, and every secret they have seen so far."""

    sign_in: SignIn
    resources: Resources
    web: httpx.AsyncClient  # no cookie: agencies' systems and banks
    cookie: str
    secrets: list[str] = field(default_factory=list)

    async def person(
        self, *roles: tuple[str, int | None], national_id: str | None = None
    ) -> httpx.AsyncClient:
        browser = await self.sign_in(*roles, national_id=national_id)
        self.secrets += _session_values(browser, self.cookie)
        return browser


async def _demo_login(demo: httpx.AsyncClient) -> list[str]:
    """Malee logs in through the demo identity provider (her national ID comes in the ID token)."""
    assert (await pick(demo, "malee")).status_code == 303
    me = (await demo.get("/api/v1/me")).json()
    seen = [demo.cookies["__Host-session"], me["csrf_token"]]
    assert (await demo.get("/api/v1/me/national-id")).json()["national_id"] == MALEE
    assert (await demo.post("/auth/logout")).status_code == 403  # without its token
    assert (await demo.post("/auth/logout", headers={"X-CSRF-Token": me["csrf_token"]})).status_code == 200
    return seen


async def _agency(journey: Journey, agencies_url: str) -> tuple[int, httpx.AsyncClient, dict[str, str]]:
    """An agency: its system's client (secret rotated) and token, a template, connectors with an API key.
    Returns its id, its admin, and its system's Authorization header."""
    agency_id, admin = await issuer(journey.sign_in, journey.resources)
    journey.secrets += _session_values(admin, journey.cookie)
    issued = await new_client(admin, agency_id, ["bills", "notifications"])
    client_id = issued["client_id"]
    rotated = await admin.post(f"/api/v1/agency/{agency_id}/clients/{client_id}/secrets", json={})
    secret = rotated.json()["client_secret"]
    granted = await request_token(journey.web, client_id, secret, scope="bills notifications")
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()  # its Authorization header
    journey.secrets += [issued["client_secret"], secret, granted.json()["access_token"], basic]
    assert (await request_token(journey.web, client_id, "not-the-secret")).status_code == 401

    await control(agencies_url, "child-support", "ok")
    await control(agencies_url, "health", "fail")
    for service in ("child-support", "health"):
        with_key = connector(
            agencies_url, service, auth_kind="api_key", api_key_header="X-Api-Key", api_key=API_KEY
        )
        registered = await admin.post(f"/api/v1/agency/{agency_id}/connectors", json=with_key)
        assert registered.status_code == 201, registered.text
        await approve_connectors(journey.sign_in, registered.json()["id"])
    template = await admin.post(f"/api/v1/agency/{agency_id}/notification-templates", json=TEMPLATE)
    assert template.status_code == 201
    return agency_id, admin, {"Authorization": f"Bearer {granted.json()['access_token']}"}


async def _billed_paid_and_messaged(
    journey: Journey, admin: httpx.AsyncClient, agency_id: int, machine: dict[str, str], push_service: str
) -> tuple[httpx.AsyncClient, str]:
    """The citizen sees their entitlements and gets a device; the agency's system bills and messages
    them; they pay; the bank confirms; the worker pushes and calls the agency's webhook. Returns the
    citizen and the message's id."""
    async with webhook_receiver() as receiver:
        # Many webhook receivers authenticate the sender by a token in the URL: a credential too.
        hook = {"url": f"{receiver.url}?token={WEBHOOK_TOKEN}"}
        hooked = await admin.put(f"/api/v1/agency/{agency_id}/webhook", json=hook)
        assert hooked.status_code == 200, hooked.text
        journey.secrets.append(hooked.json()["secret"])

        citizen = await journey.person(national_id=CITIZEN)
        entitlements = (await citizen.get("/api/v1/entitlements", params={"lang": "en"})).json()
        assert {result["state"] for result in entitlements["agencies"]} == {"fresh", "unavailable"}
        device = await new_device(push_service)
        subscribed = await citizen.post(
            "/api/v1/push/subscriptions", json={"endpoint": device["endpoint"], "keys": device["keys"]}
        )
        assert subscribed.status_code == 201

        web = journey.web
        issued = (await web.post("/api/v1/agency/bills", json=bill(CITIZEN), headers=machine)).json()
        sent = await web.post("/api/v1/agency/notifications", json=send(CITIZEN), headers=machine)
        assert sent.status_code == 201, sent.text
        paying = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
        assert paying.status_code == 201
        assert (await post_callback(web, callback(issued), secret=b"forged")).status_code == 401
        assert (await post_callback(web, callback(issued))).json()["outcome"] == "paid"
        await run_until_idle(journey.resources)
        assert receiver.received
        assert all(hook.path.endswith(WEBHOOK_TOKEN) for hook in receiver.received)
    return citizen, str(sent.json()["id"])


async def _support_looks_up(journey: Journey, message_id: str) -> None:
    """Support staff find people by national ID, read one's history and push a message again."""
    support = await journey.person(("support", None))
    found = (await support.post("/api/v1/support/citizens/find", json={"national_id": CITIZEN})).json()
    missing = await support.post("/api/v1/support/citizens/find", json={"national_id": NEVER_LOGGED_IN})
    assert missing.status_code == 404
    searched = await support.post("/api/v1/support/notifications/search", json={"national_id": CITIZEN})
    assert message_id in {message["id"] for message in searched.json()}
    for view in ("notifications", "payments"):
        seen = await support.get(f"/api/v1/support/citizens/{found['citizen_id']}/{view}")
        assert seen.status_code == 200
    resent = await support.post(
        f"/api/v1/support/notifications/{message_id}/resend", json={"note": "never got it"}
    )
    assert resent.status_code == 200, resent.text
    await run_until_idle(journey.resources)  # the agency's webhook is gone now: its failure is logged too


async def test_a_whole_journey_writes_no_national_id_cookie_token_or_secret_to_any_log_line(
    settings: Settings,
    sign_in: SignIn,
    resources: Resources,
    client: httpx.AsyncClient,
    agencies_url: str,
    push_service: str,
    demo: httpx.AsyncClient,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    journey = Journey(sign_in, resources, client, session_cookie_name(settings))
    journey.secrets += [CITIZEN, NEVER_LOGGED_IN, MALEE, API_KEY, WEBHOOK_TOKEN, BANK_SECRET.decode()]
    journey.secrets += _settings_secrets(settings)
    journey.secrets += await _demo_login(demo)
    agency_id, admin, machine = await _agency(journey, agencies_url)
    citizen, message_id = await _billed_paid_and_messaged(journey, admin, agency_id, machine, push_service)
    await _support_looks_up(journey, message_id)
    # Refusals: a stale token, a forged cross-site request; then the citizen ends every session.
    stale = {"Authorization": "Bearer " + "x" * 43}
    assert (await client.get(f"/api/v1/agency/{agency_id}/bills", headers=stale)).status_code == 401
    assert (
        await citizen.delete("/api/v1/me/sessions", headers={"X-CSRF-Token": "forged"})
    ).status_code == 403
    assert (await citizen.delete("/api/v1/me/sessions")).status_code == 200

    out, err = capfd.readouterr()
    log_lines = [*out.splitlines(), *err.splitlines(), *caplog.text.splitlines()]
    log_lines += [str(record.__dict__) for record in caplog.records]  # fields a formatter may leave out
    # Both ways of capturing saw the journey: the JSON lines (both apps) and the records.
    assert sum('"path": "/api/v1/support/citizens/find"' in line for line in err.splitlines()) == 2
    assert any("citizen_logged_in" in line for line in err.splitlines())
    assert any(record.name == "backend.core.tasks" for record in caplog.records)
    forms = {form for secret in journey.secrets for form in _forms(secret)}
    leaks = sorted({(form, line) for line in log_lines for form in forms if form in line})
    assert leaks == []


def _forms(secret: str) -> set[str]:
    """The value, and for a national ID the ways it is written for people (1-2345-67890-12-3)."""
    if not (secret.isdigit() and len(secret) == 13):
        return {secret}
    parts = (secret[0], secret[1:5], secret[5:10], secret[10:12], secret[12])
    return {secret, "-".join(parts), " ".join(parts)}
