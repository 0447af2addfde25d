"""Digital-ID login against a real, certified OpenID provider (npm oidc-provider on loopback)."""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from backend.core.admission import DoorPass
from backend.core.resources import Resources
from backend.identity.oidc import LoginFailed
from backend.identity.service import Identity
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from tests.conftest import app_client, environment_for_tests, serve_in_process
from tests.helpers.ports import free_port
from tests.oidc_provider import OidcProvider, complete_login, complete_logout, run_oidc_provider

ORIGIN = "https://testserver"
CLIENT_ID = "citizen-app"
CLIENT_SECRET = secrets.token_urlsafe(24)
CITIZEN = "1101700207536"
OTHER_CITIZEN = "3100400123456"


@pytest.fixture(scope="module")
def provider_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def provider(provider_port: int) -> Iterator[OidcProvider]:
    with run_oidc_provider(
        port=provider_port,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=f"{ORIGIN}/auth/callback",
        post_logout_redirect_uri=f"{ORIGIN}/",
    ) as running:
        yield running


def _environment(settings: Settings, var_dir: Path, issuer: str) -> dict[str, str]:
    return environment_for_tests(
        var_dir,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        PUBLIC_URL=ORIGIN,
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        LOGIN_ATTEMPTS_PER_MINUTE="1000",
        LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE="1000",
    )


@pytest.fixture(scope="module")
def oidc_app(
    settings: Settings, provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory
) -> Litestar:
    return create_app(load_settings(_environment(settings, tmp_path_factory.mktemp("oidc"), provider.issuer)))


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def login_app(oidc_app: Litestar) -> AsyncIterator[Litestar]:
    async with serve_in_process(oidc_app, ORIGIN):
        yield oidc_app


@pytest_asyncio.fixture
async def web(login_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """The citizen's browser as our app sees it (its own cookie jar)."""
    async with app_client(login_app, ORIGIN) as client:
        yield client


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """The same browser as the identity provider sees it (over the network)."""
    async with httpx.AsyncClient() as client:
        yield client


def _identity(app: Litestar) -> Identity:
    identity: Identity = app.state.identity
    return identity


async def _callback_url(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, login: str = CITIZEN, **params: str
) -> str:
    started = await web.get("/auth/login", params=params)
    assert started.status_code == 302, started.text
    return await complete_login(browser, started.headers["location"], login)


async def _log_in(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, login: str = CITIZEN, **params: str
) -> httpx.Response:
    callback = await _callback_url(web, browser, login, **params)
    return await web.get(callback.removeprefix(ORIGIN))


def _assert_refused_without_session(response: httpx.Response, detail_fragment: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/login-failed"
    assert detail_fragment in body["detail"]
    assert "set-cookie" not in response.headers


async def test_a_citizen_logs_in_and_is_sent_back_where_they_were(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, resources: Resources
) -> None:
    done = await _log_in(web, browser, next="/bills?tab=unpaid")
    assert done.status_code == 303
    assert done.headers["location"] == "/bills?tab=unpaid"
    cookie = done.headers["set-cookie"]
    assert cookie.startswith("__Host-session=")
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Path=/"):
        assert attribute.lower() in cookie.lower()

    me = await web.get("/api/v1/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["national_id_masked"] == "x-xxxx-xxxxx-53-6"
    assert body["acr"] == "urn:demo:ial:1"
    assert isinstance(body["auth_time"], int)
    assert body["roles"] == []
    assert body["session_idle_seconds"] == resources.settings.session_idle_minutes * 60  # the app warns by it

    row = await resources.pool.fetchrow("SELECT national_id_ciphertext, national_id_key_id FROM citizens")
    assert row is not None
    assert CITIZEN.encode() not in row["national_id_ciphertext"]
    assert row["national_id_key_id"] == "test1"

    # The session carries the ID sealed (so entitlements need no database look-up), never in clear.
    (session_key,) = [key async for key in resources.redis.scan_iter("session:*")]
    stored_session = await resources.redis.get(session_key)
    assert stored_session is not None
    assert CITIZEN.encode() not in stored_session
    assert json.loads(stored_session)["national_id_key_id"] == "test1"


async def test_a_second_login_rotates_the_session(web: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    first = await _log_in(web, browser)
    second = await _log_in(web, browser, max_age="0")
    assert first.cookies["__Host-session"] != second.cookies["__Host-session"]
    sessions = await web.get("/api/v1/me/sessions")
    assert [session["current"] for session in sessions.json()] == [True]


async def test_a_login_under_way_and_a_session_carry_the_services_mark(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, login_app: Litestar
) -> None:
    """So that in a rush the door lets them in ahead of newcomers (``backend.core.admission``)."""
    door_pass = DoorPass(_identity(login_app).settings.secret_key)
    started = await web.get("/auth/login")
    assert door_pass.carries(started.cookies["__Host-login"].encode())
    done = await web.get(
        (await complete_login(browser, started.headers["location"], CITIZEN)).removeprefix(ORIGIN)
    )
    assert door_pass.carries(done.cookies["__Host-session"].encode())
    assert not DoorPass("another key").carries(done.cookies["__Host-session"].encode())


async def test_a_replayed_state_is_refused(web: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    callback = (await _callback_url(web, browser)).removeprefix(ORIGIN)
    binding = web.cookies["__Host-login"]
    assert (await web.get(callback)).status_code == 303
    web.cookies.clear()
    replayed = await web.get(callback, headers={"Cookie": f"__Host-login={binding}"})  # the same browser
    _assert_refused_without_session(replayed, "expired or was already used")


async def test_a_callback_opened_in_another_browser_is_refused(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, login_app: Litestar, resources: Resources
) -> None:
    # The attacker logs in as themself but stops at the callback, and gets a victim to open it.
    callback = (await _callback_url(web, browser, login=OTHER_CITIZEN)).removeprefix(ORIGIN)
    async with app_client(login_app, ORIGIN) as victim:
        _assert_refused_without_session(await victim.get(callback), "started in another browser")
        assert (await victim.get("/api/v1/me")).status_code == 401
    assert await resources.pool.fetchval("SELECT count(*) FROM citizens") == 0


async def test_an_unknown_state_is_refused(web: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    callback = await _callback_url(web, browser)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = await web.get("/auth/callback", params={"code": code, "state": "forged-state"})
    _assert_refused_without_session(response, "expired or was already used")


async def test_a_replayed_code_is_refused(web: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    first = await _callback_url(web, browser)
    assert (await web.get(first.removeprefix(ORIGIN))).status_code == 303
    web.cookies.clear()
    used_code = parse_qs(urlsplit(first).query)["code"][0]
    fresh_state = parse_qs(urlsplit(await _callback_url(web, browser)).query)["state"][0]
    response = await web.get("/auth/callback", params={"code": used_code, "state": fresh_state})
    _assert_refused_without_session(response, "did not accept this login")


async def test_a_wrong_nonce_is_refused(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, resources: Resources
) -> None:
    callback = await _callback_url(web, browser)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    key = f"oidc-state:{state}"
    assert 0 < await resources.redis.ttl(key) <= 600  # state expires after ten minutes
    stored = json.loads(await resources.redis.get(key) or b"{}")
    stored["nonce"] = "not-the-nonce-that-was-sent"
    await resources.redis.set(key, json.dumps(stored), ex=60)
    _assert_refused_without_session(await web.get(callback.removeprefix(ORIGIN)), "could not be verified")


async def test_an_invalid_national_id_is_refused_and_nothing_is_stored(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, resources: Resources
) -> None:
    response = await _log_in(web, browser, login="1101700207537")  # wrong check digit
    _assert_refused_without_session(response, "valid 13-digit national ID")
    assert await resources.pool.fetchval("SELECT count(*) FROM citizens") == 0


async def _fresh_id_token(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, resources: Resources, provider: OidcProvider
) -> tuple[str, str]:
    """A genuine ID token from the provider and the nonce it was issued for, obtained the way our
    callback would (the app keeps no ID token after login)."""
    callback = await _callback_url(web, browser)
    query = parse_qs(urlsplit(callback).query)
    stored = json.loads(await resources.redis.get(f"oidc-state:{query['state'][0]}") or b"{}")
    async with httpx.AsyncClient() as back_channel:
        response = await back_channel.post(
            provider.token_endpoint,
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": f"{ORIGIN}/auth/callback",
                "code_verifier": stored["code_verifier"],
            },
            auth=(CLIENT_ID, CLIENT_SECRET),
        )
    assert response.status_code == 200, response.text
    return response.json()["id_token"], stored["nonce"]


async def test_tokens_for_another_client_expired_or_tampered_are_refused(
    login_app: Litestar,
    web: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    provider: OidcProvider,
    resources: Resources,
) -> None:
    oidc = _identity(login_app).oidc
    id_token, nonce = await _fresh_id_token(web, browser, resources, provider)
    assert (await oidc.verify_id_token(id_token, nonce=nonce, max_age=None))["pid"] == CITIZEN

    header, payload, signature = id_token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(LoginFailed):
        await oidc.verify_id_token(f"{header}.{payload}.{flipped}", nonce=nonce, max_age=None)
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    with pytest.raises(LoginFailed):
        await oidc.verify_id_token(id_token, nonce=nonce, max_age=None, now=claims["exp"] + 3600)
    # A key id nobody published: refused, and no JWKS refetch so soon after the last one. The first may
    # look it up once, if the keys were fetched long enough ago (a slow machine's steps above).
    forged_header = (
        base64.urlsafe_b64encode(json.dumps({"alg": "RS256", "kid": "forged", "typ": "JWT"}).encode())
        .rstrip(b"=")
        .decode()
    )
    forged = f"{forged_header}.{payload}.{signature}"
    with pytest.raises(LoginFailed):
        await oidc.verify_id_token(forged, nonce=nonce, max_age=None)
    fetched_at = oidc._keys_fetched_at
    for _ in range(3):
        with pytest.raises(LoginFailed):
            await oidc.verify_id_token(forged, nonce=nonce, max_age=None)
    assert oidc._keys_fetched_at == fetched_at
    original_client = oidc.client_id
    oidc.client_id = "other-client"
    try:
        with pytest.raises(LoginFailed):
            await oidc.verify_id_token(id_token, nonce=nonce, max_age=None)
    finally:
        oidc.client_id = original_client


async def test_a_rotated_signing_key_is_fetched_once_and_login_goes_on(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    provider_settings = {
        "port": port,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{ORIGIN}/auth/callback",
        "post_logout_redirect_uri": f"{ORIGIN}/",
    }
    app = create_app(load_settings(_environment(settings, tmp_path, f"http://127.0.0.1:{port}")))
    async with serve_in_process(app, ORIGIN) as web:
        with run_oidc_provider(**provider_settings, key_id="key-1"):  # type: ignore[arg-type]
            async with httpx.AsyncClient() as browser:
                assert (await _log_in(web, browser)).status_code == 303  # JWKS with key-1 cached
        oidc = _identity(app).oidc
        oidc._keys_fetched_at -= 60  # that fetch was a while ago, as it would be in real life
        with run_oidc_provider(**provider_settings, key_id="key-2"):  # type: ignore[arg-type]
            async with httpx.AsyncClient() as browser:
                done = await _log_in(web, browser)
        assert done.status_code == 303, done.text
        assert oidc._keys is not None
        assert [key.kid for key in oidc._keys.keys] == ["key-2"]


async def test_step_up_asks_for_a_stronger_recent_login_then_lets_the_citizen_through(
    web: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    await _log_in(web, browser)
    refused = await web.get("/api/v1/me/national-id")
    assert refused.status_code == 401
    challenge = refused.headers["www-authenticate"]
    assert challenge.startswith('Bearer error="insufficient_user_authentication"')
    assert 'acr_values="urn:demo:ial:2"' in challenge
    assert "max_age=600" in challenge
    assert refused.json()["type"] == "/problems/step-up-required"

    stepped = await _log_in(
        web, browser, acr_values="urn:demo:ial:2", max_age="600", next="/api/v1/me/national-id"
    )
    assert stepped.headers["location"] == "/api/v1/me/national-id"
    allowed = await web.get("/api/v1/me/national-id")
    assert allowed.status_code == 200
    assert allowed.json() == {"national_id": CITIZEN}
    assert allowed.headers["cache-control"] == "no-store"


async def test_logout_needs_the_csrf_token_then_ends_the_session_and_the_providers(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, provider: OidcProvider
) -> None:
    await _log_in(web, browser)
    csrf = (await web.get("/api/v1/me")).json()["csrf_token"]

    forged = await web.post("/auth/logout")
    assert forged.status_code == 403
    assert (await web.get("/api/v1/me")).status_code == 200

    done = await web.post("/auth/logout", headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200, done.text
    assert "max-age=0" in done.headers["set-cookie"].lower()
    end_session_url = done.json()["end_session_url"]
    assert end_session_url.startswith(provider.end_session_endpoint)
    assert f"client_id={CLIENT_ID}" in end_session_url
    assert "id_token_hint" not in end_session_url  # the ID token carries the national ID
    assert (await web.get("/api/v1/me")).status_code == 401
    back = await complete_logout(browser, end_session_url)
    assert back.startswith(f"{ORIGIN}/")


async def test_a_citizen_sees_their_sessions_and_ends_one_or_all(
    login_app: Litestar, web: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    await _log_in(web, browser)
    async with app_client(login_app, ORIGIN) as phone, httpx.AsyncClient() as phone_browser:
        await _log_in(phone, phone_browser)
        sessions = (await web.get("/api/v1/me/sessions")).json()
        assert len(sessions) == 2
        other = next(session for session in sessions if not session["current"])
        csrf = (await web.get("/api/v1/me")).json()["csrf_token"]

        ended = await web.delete(f"/api/v1/me/sessions/{other['id']}", headers={"X-CSRF-Token": csrf})
        assert ended.status_code == 204
        assert (await phone.get("/api/v1/me")).status_code == 401
        assert (await web.get("/api/v1/me")).status_code == 200

        await _log_in(phone, phone_browser)
        everything = await web.delete("/api/v1/me/sessions", headers={"X-CSRF-Token": csrf})
        assert everything.json() == {"ended": 2}
        assert (await phone.get("/api/v1/me")).status_code == 401
        assert (await web.get("/api/v1/me")).status_code == 401


async def test_only_same_site_next_paths_are_accepted(web: httpx.AsyncClient) -> None:
    for hostile in (
        "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
        "/%5cevil.example", "/%2f/evil.example",
    ):  # fmt: skip
        response = await web.get("/auth/login", params={"next": hostile})
        assert response.status_code == 400, hostile
    assert (await web.get("/auth/login", params={"next": "/inbox"})).status_code == 302
