"""The demo identity provider (demo mode only); its logins' limits are in test_login_limits.py."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from backend.core.crypto import is_valid_national_id
from backend.demo.identity_provider import demo_client_credentials, demo_idp_routes
from backend.demo.seed import DEMO_CONNECTORS, seed_demo_data
from backend.demo.seed_registries import DEMO_REGISTRIES, REGISTRY_AGENCY
from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import serve_in_process
from tests.factories import make_connector
from tests.helpers.identity import ORIGIN, pick
from tests.integration.conftest import demo_settings_for


def _demo_settings(settings: Settings, var_dir: Path, **extra: str) -> Settings:
    return demo_settings_for(settings, var_dir, PUBLIC_URL=ORIGIN, **extra)


@pytest.fixture
def demo_settings(settings: Settings, tmp_path: Path) -> Settings:
    return _demo_settings(settings, tmp_path)


@pytest_asyncio.fixture
async def demo(demo_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_in_process(create_app(demo_settings), ORIGIN) as client:
        yield client


async def test_a_demo_citizen_logs_in_by_picking_a_person(demo: httpx.AsyncClient) -> None:
    done = await pick(demo, "malee", next="/inbox")
    assert done.status_code == 303
    assert done.headers["location"] == "/inbox"
    me = (await demo.get("/api/v1/me")).json()
    assert me["name_en"] == "Malee Sukjai"
    assert me["birthdate"] == "1994-07-02"
    assert me["national_id_masked"].endswith("12-9")
    assert me["acr"] == "urn:demo:ial:2"


async def test_demo_staff_hold_their_seeded_roles(demo: httpx.AsyncClient, demo_settings: Settings) -> None:
    assert demo_settings.database_url
    connection = await asyncpg.connect(demo_settings.database_url)
    try:
        await seed_demo_data(connection, demo_settings)
        welfare = await connection.fetchval("SELECT id FROM agencies WHERE code = 'demo-welfare'")
    finally:
        await connection.close()
    await pick(demo, "kanda")
    assert (await demo.get("/api/v1/me")).json()["roles"] == [{"role": "agency_admin", "agency_id": welfare}]


async def test_the_demo_guide_lists_people_and_working_agency_credentials(
    demo: httpx.AsyncClient, demo_settings: Settings
) -> None:
    assert demo_settings.database_url
    connection = await asyncpg.connect(demo_settings.database_url)
    try:
        await seed_demo_data(connection, demo_settings)
        first = json.loads((demo_settings.var_path / "demo.json").read_text())
        await seed_demo_data(connection, demo_settings)  # a restart keeps the same credentials
    finally:
        await connection.close()
    guide = json.loads((demo_settings.var_path / "demo.json").read_text())
    assert guide["agency_clients"] == first["agency_clients"]
    water = next(entry for entry in guide["agency_clients"] if entry["agency_code"] == "demo-water")
    token = await demo.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(water["client_id"], water["client_secret"]),
    )
    assert token.status_code == 200
    assert token.json()["scope"] == "applications bills connectors notifications tiles"
    catalogue = (await demo.get("/api/v1/tiles", params={"lang": "en"})).json()
    assert catalogue["total"] == 11  # seeded once, not again on the second seeding
    assert {group["key"] for group in catalogue["categories"]} >= {
        "welfare",
        "health",
        "utilities",
        "education",
    }
    people = guide["people"]
    assert len(people) >= 10
    assert all(is_valid_national_id(person["national_id"]) for person in people)
    roles = {person["role"] for person in people}
    assert {"agency_admin", "agency_editor", "agency_sender", "support", "platform_admin", None} <= roles


async def test_a_bootstrap_admin_becomes_platform_admin_at_first_login(
    settings: Settings, tmp_path: Path
) -> None:
    bootstrap = _demo_settings(
        settings, tmp_path, BOOTSTRAP_ADMIN_NATIONAL_IDS="1509900765439, 3101200581231"
    )
    async with serve_in_process(create_app(bootstrap), ORIGIN) as demo:
        await pick(demo, "wipa")
        assert (await demo.get("/api/v1/me")).json()["roles"] == [
            {"role": "platform_admin", "agency_id": None}
        ]
        grants = (await demo.get("/api/v1/admin/role-grants")).json()
        assert grants[0]["grant_reason"] == "BOOTSTRAP_ADMIN_NATIONAL_IDS setting"
        assert grants[0]["granted_by"] is None
        # Revoked by the other administrator, it stays revoked at the next login.
        await pick(demo, "somchai")
        somchai = (await demo.get("/api/v1/me")).json()
        assert somchai["roles"] == [{"role": "platform_admin", "agency_id": None}]
        revoked = await demo.delete(
            f"/api/v1/admin/role-grants/{grants[0]['id']}", headers={"X-CSRF-Token": somchai["csrf_token"]}
        )
        assert revoked.status_code == 204
        await pick(demo, "wipa")
        assert (await demo.get("/api/v1/me")).json()["roles"] == []


async def test_step_up_through_the_demo_provider_raises_the_assurance_level(demo: httpx.AsyncClient) -> None:
    await pick(demo, "somchai")
    assert (await demo.get("/api/v1/me/national-id")).status_code == 200  # ial:2 is the demo default
    await pick(demo, "somchai", acr_values="urn:demo:ial:3")
    assert (await demo.get("/api/v1/me")).json()["acr"] == "urn:demo:ial:3"


async def test_the_demo_provider_checks_client_redirect_and_pkce(demo: httpx.AsyncClient) -> None:
    started = await demo.get("/auth/login")
    query = parse_qs(urlsplit(started.headers["location"]).query)
    params = {name: values[0] for name, values in query.items()}
    for broken in (
        {"redirect_uri": "https://evil.example/callback"},
        {"client_id": "someone-else"},
        {"code_challenge_method": "plain"},
        {"response_type": "token"},
    ):
        response = await demo.get("/demo-idp/authorize", params={**params, **broken})
        assert response.status_code == 400, broken


async def test_the_demo_token_endpoint_refuses_replayed_codes_wrong_verifiers_and_clients(
    demo: httpx.AsyncClient, demo_settings: Settings
) -> None:
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    client_id, secret = demo_client_credentials(demo_settings)
    redirect_uri = f"{ORIGIN}/auth/callback"
    form = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "openid pid",
        "state": "s",
        "nonce": "n",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }

    async def new_code() -> str:
        chosen = await demo.post("/demo-idp/authorize", data={**form, "person": "wipa"})
        return parse_qs(urlsplit(chosen.headers["location"]).query)["code"][0]

    async def exchange(code: str, code_verifier: str, auth: tuple[str, str]) -> httpx.Response:
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        return await demo.post("/demo-idp/token", data={**data, "code_verifier": code_verifier}, auth=auth)

    code = await new_code()
    assert (await exchange(code, verifier, (client_id, secret))).status_code == 200
    assert (await exchange(code, verifier, (client_id, secret))).json() == {"error": "invalid_grant"}
    assert (await exchange(await new_code(), "w" * 64, (client_id, secret))).json() == {
        "error": "invalid_grant"
    }
    assert (await exchange(await new_code(), verifier, (client_id, "wrong"))).status_code == 401


async def test_there_is_no_demo_provider_outside_demo_mode(
    client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    assert not settings.demo_mode
    assert (await client.get("/demo-idp/.well-known/openid-configuration")).status_code == 404
    with pytest.raises(RuntimeError, match="only in demo mode"):
        demo_idp_routes(settings)
    with_real_provider = _demo_settings(settings, tmp_path, OIDC_ISSUER="https://id.example.invalid")
    app: Litestar = create_app(with_real_provider)
    assert not any(route.path.startswith("/demo-idp") for route in app.routes)


async def test_a_demo_citizen_pays_a_demo_bill_at_the_demo_bank(
    demo: httpx.AsyncClient, demo_settings: Settings
) -> None:
    assert demo_settings.database_url
    connection = await asyncpg.connect(demo_settings.database_url)
    try:
        await seed_demo_data(connection, demo_settings)
    finally:
        await connection.close()
    await pick(demo, "malee")
    bills = (await demo.get("/api/v1/bills")).json()
    assert sorted(b["agency_code"] for b in bills) == ["demo-power", "demo-water"]
    water = next(b for b in bills if b["agency_code"] == "demo-water")
    csrf = (await demo.get("/api/v1/me")).json()["csrf_token"]
    payment = (
        await demo.post(
            f"/api/v1/bills/{water['id']}/payments",
            json={"idempotency_key": "tap-1"},
            headers={"X-CSRF-Token": csrf},
        )
    ).json()
    review = await demo.post("/demo-bank/review", data={"payload": payment["qr_payload"]})
    assert f"{water['amount_satang'] / 100:,.2f} THB" in review.text
    paid = await demo.post("/demo-bank/pay", data={"payload": payment["qr_payload"]})
    assert "Paid." in paid.text
    after = (await demo.get(f"/api/v1/payments/{payment['id']}")).json()
    assert after["state"] == "success"
    assert after["receipt"]["number"].startswith("R")
    garbage = await demo.post("/demo-bank/review", data={"payload": "not a qr"})
    assert "not a payment we can make" in garbage.text


async def test_a_demo_citizen_gets_a_demo_phone_and_sees_the_push_it_received(
    settings: Settings, tmp_path: Path
) -> None:
    from backend.core.resources import Resources
    from backend.core.tasks import run_task
    from notifications import queries
    from notifications.schemas import NewNotification, NewTemplate
    from notifications.service import send_to_citizen
    from tests.demo_agencies import running_push_service
    from tests.factories import make_agency

    with running_push_service() as push_service:
        port = urlsplit(push_service).port
        app = create_app(_demo_settings(settings, tmp_path, DEMO_PUSH_SERVICE_PORT=str(port)))
        async with serve_in_process(app, ORIGIN) as demo:
            await pick(demo, "malee")
            me = (await demo.get("/api/v1/me")).json()
            demo.headers["X-CSRF-Token"] = me["csrf_token"]
            added = await demo.post("/api/v1/demo/push-device")
            assert added.status_code == 201, added.text
            [device] = (await demo.get("/api/v1/push/subscriptions")).json()
            assert device["device"] == {"browser": "Chrome", "os": "Android", "device": "Samsung SM-A155F"}

            resources: Resources = app.state.resources
            agency_id = await make_agency(resources.pool, status="approved")
            template = NewTemplate(
                key="hello",
                category="general",
                title_th="สวัสดี",
                title_en="Hello",
                body_th="ข้อความทดลอง",
                body_en="A demo message",
            )
            await queries.add_template(resources.pool, agency_id, template, [], None)
            stored = await queries.latest_template(resources.pool, agency_id, "hello")
            assert stored is not None
            await send_to_citizen(
                resources.pool,
                resources.queue,
                agency_id=agency_id,
                national_id_hash=app.state.identity.cipher.lookup_hash("1100700945129"),  # Malee's
                template=stored,
                request=NewNotification(
                    national_id="1100700945129", template="hello", idempotency_key="demo"
                ),
            )
            for row in await resources.pool.fetch("SELECT id FROM task_outbox WHERE state = 'pending'"):
                await run_task(resources, row["id"])

            received = await demo.get(f"/api/v1/demo/push-device/{added.json()['subscription_id']}/messages")
            assert received.status_code == 200, received.text
            [pushed] = received.json()
            assert (pushed["title_en"], pushed["body_th"], pushed["urgency"]) == (
                "Hello",
                "ข้อความทดลอง",
                "normal",
            )
            stranger = f"/api/v1/demo/push-device/{uuid.uuid4()}/messages"
            assert (await demo.get(stranger)).status_code == 404


async def test_demo_connectors_follow_the_demo_agencies_port_on_every_start(
    settings: Settings, tmp_path: Path
) -> None:
    """Started once on one port and then on another, the demo connectors called the old one (with
    national IDs), whatever listened there."""
    first = _demo_settings(settings, tmp_path, DEMO_AGENCIES_PORT="18090")
    second = _demo_settings(settings, tmp_path, DEMO_AGENCIES_PORT="18091")
    assert first.database_url
    connection = await asyncpg.connect(first.database_url)
    try:
        await seed_demo_data(connection, first)
        await connection.execute(  # an agency's own edit, pointing elsewhere, stays its own
            "UPDATE connectors SET base_url = 'https://nhso.example.go.th/v1' WHERE name = 'health'"
        )
        demo_url = await connection.fetchval("SELECT base_url FROM connectors WHERE name = 'elderly'")
        other = await connection.fetchval(
            "INSERT INTO agencies (code, name_th, name_en, contact_email, status) "
            "VALUES ('real-agency', 'จริง', 'Real', 'a@real.example', 'approved') RETURNING id"
        )
        # Not a demo agency's connector, though at the demo server's address: not the seed's.
        await make_connector(connection, other, name="elderly", base_url=demo_url)
        await seed_demo_data(connection, second)
        urls = {
            (row["code"], row["name"]): row["base_url"]
            for row in await connection.fetch(
                "SELECT a.code, c.name, c.base_url FROM connectors c JOIN agencies a ON a.id = c.agency_id"
            )
        }
        changed_at = await connection.fetchval("SELECT max(updated_at) FROM connectors")
        await seed_demo_data(connection, second)  # the same port again: nothing to change
        assert await connection.fetchval("SELECT max(updated_at) FROM connectors") == changed_at
    finally:
        await connection.close()
    expected = {(code, service): f"http://127.0.0.1:18091/{service}" for code, service, *_ in DEMO_CONNECTORS}
    expected |= {(REGISTRY_AGENCY, name): f"http://127.0.0.1:18091/{name}" for name, *_ in DEMO_REGISTRIES}
    expected |= {
        ("demo-health", "health"): "https://nhso.example.go.th/v1",
        ("real-agency", "elderly"): "http://127.0.0.1:18090/elderly",
        # The connector the demo leaves waiting for the platform admin's review follows the port too.
        ("demo-welfare", "health-check"): "http://127.0.0.1:18091/health",
    }
    assert urls == expected
