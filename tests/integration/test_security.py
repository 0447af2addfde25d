"""Browser-facing defences: the PWA's content security policy, the session cookie's attributes and CORS
closed to other origins (CSRF on every state-changing route: ``test_csrf.py``)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from litestar import Litestar

from backend.identity.service import Identity, session_cookie_name
from backend.server.app import create_app
from backend.server.pwa_shell import SCREENS
from backend.settings import Settings, load_settings
from tests.conftest import environment_for_tests, serve_in_process
from tests.integration.conftest import SignIn, demo_settings_for

EVIL_ORIGIN = "https://evil.example"


def _demo_app(settings: Settings, var_dir: Path, **extra: str) -> Litestar:
    return create_app(demo_settings_for(settings, var_dir, **extra))


# --- Content-Security-Policy and framing ------------------------------------------------------------


def _policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives.setdefault(name.lower(), [source.lower() for source in sources])
    return directives


@pytest.fixture
def pwa_app(settings: Settings, tmp_path: Path) -> Litestar:
    """The app serving a stand-in PWA build, so these checks need no `npm run build`."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(
        '<!doctype html><html><head><script type="module" src="/assets/index.js"></script></head>'
        '<body><div id="app"></div></body></html>'
    )
    (dist / "assets" / "index.js").write_text("export {};\n")
    environ = environment_for_tests(
        tmp_path / "var",
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        PWA_DIR=str(dist),
    )
    return create_app(load_settings(environ))


@pytest.mark.parametrize("path", ["/", *SCREENS, "/assets/index.js", f"/receipts/{uuid.UUID(int=1)}"])
async def test_the_pwas_pages_forbid_inline_script_eval_framing_and_sniffing(
    pwa_app: Litestar, path: str
) -> None:
    async with serve_in_process(pwa_app) as browser:
        response = await browser.get(path)
    if path in ("/", *SCREENS):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
    policy = _policy(response.headers["content-security-policy"])
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts, "a policy with neither script-src nor default-src allows any script"
    assert not [source for source in scripts if "unsafe-" in source]  # 'unsafe-inline', 'unsafe-eval'...
    assert not {"*", "data:", "http:", "https:", "blob:"} & set(scripts)
    assert policy.get("object-src") == ["'none'"]
    assert policy.get("frame-ancestors") == ["'none'"] or response.headers.get("x-frame-options") == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_built_pwa_needs_no_inline_script_or_style_that_the_policy_would_block() -> None:
    index = Path(__file__).resolve().parents[2] / "pwa" / "dist" / "index.html"
    # make test builds the PWA before the tests run (make unit depends on make pwa)
    assert index.exists(), "the PWA is not built: run make pwa first"
    page = index.read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, flags=re.DOTALL | re.IGNORECASE)
    assert scripts, "the page loads its script"
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts)
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=|javascript:", page, flags=re.IGNORECASE)


# --- the session cookie -----------------------------------------------------------------------------
# tests/integration/test_login_oidc.py (test_a_citizen_logs_in_and_is_sent_back_where_they_were) checks
# the cookie a real OIDC login sets over https: `__Host-session`, HttpOnly, Secure, SameSite=Lax, Path=/.
# Here: what that test does not cover.

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _attributes(set_cookie: str) -> tuple[str, dict[str, str]]:
    name_value, *attributes = (part.strip() for part in set_cookie.split(";"))
    name = name_value.partition("=")[0]
    parsed = {key.lower(): value for key, _, value in (a.partition("=") for a in attributes)}
    return name, parsed


def _set_cookies(response: httpx.Response) -> dict[str, dict[str, str]]:
    return dict(_attributes(header) for header in response.headers.get_list("set-cookie"))


@pytest.mark.parametrize(
    ("public_url", "session", "secure"),
    [("https://citizen.example.go.th", "__Host-session", True), ("http://127.0.0.1:8000", "session", False)],
)
async def test_the_login_and_session_cookies_are_host_only_http_only_and_lax_and_secure_over_https(
    settings: Settings, tmp_path: Path, public_url: str, session: str, secure: bool
) -> None:
    login = session.replace("session", "login")
    async with serve_in_process(_demo_app(settings, tmp_path, PUBLIC_URL=public_url), public_url) as web:
        started = await web.get("/auth/login")
        page = await web.get(started.headers["location"].removeprefix(public_url))
        form = {name: value.replace("&amp;", "&") for name, value in _HIDDEN.findall(page.text)}
        chosen = await web.post("/demo-idp/authorize", data={**form, "person": "malee"})
        done = await web.get(chosen.headers["location"].removeprefix(public_url))
        csrf = (await web.get("/api/v1/me")).json()["csrf_token"]
        ended = await web.post("/auth/logout", headers={"X-CSRF-Token": csrf})
    binding = _set_cookies(started)[login]
    set_at_callback = _set_cookies(done)
    cookie = set_at_callback[session]
    for attributes in (binding, cookie):
        assert "httponly" in attributes
        assert attributes["samesite"].lower() == "lax"
        assert attributes["path"] == "/"
        assert "domain" not in attributes  # host-only: no sibling subdomain receives it
        assert ("secure" in attributes) is secure  # plain http only for a demo on this machine
    assert set_at_callback[login]["max-age"] == "0"  # the login binding is spent
    expired = _set_cookies(ended)[session]  # deleting needs the same name, path and Secure flag
    assert (expired["max-age"], expired["path"], "secure" in expired) == ("0", "/", secure)


def test_outside_demo_mode_the_session_cookie_is_secure_even_over_plain_http(app: Litestar) -> None:
    identity: Identity = app.state.identity  # settings for tests: not demo mode, http://127.0.0.1:8000
    assert not identity.settings.demo_mode
    name, attributes = _attributes(identity.session_cookie("token").to_header(header=""))
    assert name == session_cookie_name(identity.settings) == "session"
    assert "secure" in attributes
    assert "httponly" in attributes


# --- CORS -------------------------------------------------------------------------------------------


def _cors_headers(response: httpx.Response) -> dict[str, str]:
    return {name: value for name, value in response.headers.items() if name.startswith("access-control-")}


async def test_another_origin_gets_no_cors_permission_to_read_responses(sign_in: SignIn) -> None:
    citizen = await sign_in()
    for path in ("/api/v1/me", "/api/v1/tiles", "/healthz"):
        response = await citizen.get(path, headers={"Origin": EVIL_ORIGIN})
        assert response.status_code == 200
        assert _cors_headers(response) == {}, path


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/agency/bills", "/api/v1/me/sessions"])
async def test_a_cross_origin_preflight_gets_no_allow_headers(client: httpx.AsyncClient, path: str) -> None:
    response = await client.options(
        path,
        headers={
            "Origin": EVIL_ORIGIN,
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "x-csrf-token, content-type, authorization",
        },
    )
    assert _cors_headers(response) == {}
