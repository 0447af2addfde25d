"""A real OpenID Connect provider for the tests: ``oidc-provider`` (npm) run by node on loopback.

``run_oidc_provider(...)`` starts ``tests/oidc/provider.mjs`` (see ``tests/oidc/README.md``) and yields an
``OidcProvider``; ``complete_login`` drives its login form the way a browser would and returns the redirect
back to the relying party; ``complete_logout`` does the same for RP-initiated logout.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
PROVIDER_SCRIPT = OIDC_DIR / "provider.mjs"
READY_TIMEOUT_SECONDS = 30.0
MAX_HOPS = 20
OTHER_CLIENT_ID = "other-client"
"""A second static client of the provider, with the same redirect URI: ID tokens for another audience."""
OTHER_CLIENT_SECRET = "other-secret"
ACR_VALUES = ("urn:demo:ial:1", "urn:demo:ial:2", "urn:demo:ial:3")

_READY_LINE = re.compile(r"^ready (http://127\.0\.0\.1:\d+)\s*$")


def ensure_node_modules() -> None:
    """Install tests/oidc's pinned node packages (``npm ci``) unless they are there already."""
    if (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: the OpenID Connect test provider needs Node.js and npm")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=OIDC_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"npm ci in {OIDC_DIR} failed with exit code {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )


@dataclass(frozen=True)
class OidcProvider:
    """A running provider. The endpoints are oidc-provider's default routes (also in its discovery)."""

    issuer: str
    port: int
    key_id: str
    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_redirect_uri: str
    _output: deque[str] = field(repr=False, compare=False)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.issuer}/auth"

    @property
    def token_endpoint(self) -> str:
        return f"{self.issuer}/token"

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/jwks"

    @property
    def userinfo_endpoint(self) -> str:
        return f"{self.issuer}/me"

    @property
    def end_session_endpoint(self) -> str:
        return f"{self.issuer}/session/end"

    def output(self) -> str:
        """The provider's recent stdout and stderr (for assertion messages)."""
        return "".join(self._output)


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Started:
    """A provider.mjs process and the thread that keeps draining its output."""

    def __init__(self, process: subprocess.Popen[str], reader: threading.Thread, output: deque[str]) -> None:
        self.process = process
        self.reader = reader
        self.output = output

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # provider.mjs closes its server and exits 0 on SIGTERM
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _start(node: str, env: dict[str, str]) -> tuple[_Started, str | None]:
    """Start provider.mjs; return it and its issuer, or None for the issuer if it never got ready."""
    process = subprocess.Popen(
        [node, str(PROVIDER_SCRIPT)],
        cwd=OIDC_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    output: deque[str] = deque(maxlen=500)
    ready = threading.Event()
    found: list[str] = []

    def drain() -> None:  # reads to the end: node blocks on a full pipe otherwise
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            match = _READY_LINE.match(line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()  # the process ended: stop waiting

    reader = threading.Thread(target=drain, name=f"oidc-provider:{env['PORT']}", daemon=True)
    reader.start()
    started = _Started(process, reader, output)
    ready.wait(timeout=READY_TIMEOUT_SECONDS)
    return started, (found[0] if found else None)


def _start_ready(node: str, base_env: dict[str, str], port: int | None) -> tuple[_Started, str, int]:
    """Start provider.mjs until it is ready: on ``port``, or on a free port (retried if taken meanwhile)."""
    attempts = 1 if port is not None else 3
    for attempt in range(1, attempts + 1):
        chosen_port = port if port is not None else _free_loopback_port()
        began = time.monotonic()
        started, issuer = _start(node, {**base_env, "PORT": str(chosen_port)})
        if issuer is not None:
            return started, issuer, chosen_port
        started.stop()
        output = "".join(started.output)
        if attempt < attempts and "EADDRINUSE" in output:
            continue
        exit_code = started.process.returncode
        state = f"exited with code {exit_code}" if exit_code is not None else "did not get ready"
        raise RuntimeError(
            f"the OpenID Connect test provider (port {chosen_port}) {state} after "
            f"{time.monotonic() - began:.1f} s; its output:\n{output}"
        )
    raise AssertionError("unreachable")


@contextmanager
def run_oidc_provider(
    *,
    port: int | None = None,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    post_logout_redirect_uri: str,
    key_id: str = "key-1",
    extra_env: dict[str, str] | None = None,
) -> Iterator[OidcProvider]:
    """Start the provider on 127.0.0.1 (a free port unless ``port`` is given); stop it on exit.

    ``extra_env`` reaches provider.mjs too: ``PID_FOR_<login>`` (pid of a login name that is not a national
    ID), ``FORCE_ACR`` (the acr of every login, whatever was requested).
    """
    ensure_node_modules()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: the OpenID Connect test provider needs Node.js")
    base_env = {
        **os.environ,
        "CLIENT_ID": client_id,
        "CLIENT_SECRET": client_secret,
        "REDIRECT_URI": redirect_uri,
        "POST_LOGOUT_REDIRECT_URI": post_logout_redirect_uri,
        "KEY_ID": key_id,
        **(extra_env or {}),
    }
    started, issuer, chosen_port = _start_ready(node, base_env, port)
    try:
        yield OidcProvider(
            issuer=issuer,
            port=chosen_port,
            key_id=key_id,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            post_logout_redirect_uri=post_logout_redirect_uri,
            _output=started.output,
        )
    finally:
        started.stop()


@dataclass
class _Form:
    action: str
    method: str
    form_id: str
    fields: dict[str, str]
    inputs: set[str]


class _FormParser(HTMLParser):
    """Every <form> of a page: action, method, id, and its named inputs (hidden ones with their values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._current: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = _Form(
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").lower(),
                form_id=attributes.get("id", ""),
                fields={},
                inputs=set(),
            )
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and attributes.get("name"):
            name = attributes["name"]
            self._current.inputs.add(name)
            if attributes.get("type", "text").lower() == "hidden":
                self._current.fields[name] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _forms(html: str) -> list[_Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _unexpected(response: httpx.Response, doing: str) -> AssertionError:
    return AssertionError(
        f"OpenID Connect test provider, {doing}: unexpected {response.status_code} from "
        f"{response.request.method} {response.request.url}: {response.text[:2000]}"
    )


async def _follow_on_origin(
    client: httpx.AsyncClient, response: httpx.Response, origin: tuple[str, str], doing: str
) -> tuple[str | None, httpx.Response]:
    """Follow redirects while they stay on the provider's origin.

    Returns (the first URL off the origin, unrequested, or None; the last response on the origin).
    """
    for _ in range(MAX_HOPS):
        if not response.is_redirect:
            return None, response
        location = urljoin(str(response.request.url), response.headers["location"])
        if _origin(location) != origin:
            return location, response
        response = await client.get(location, follow_redirects=False)
    raise AssertionError(f"OpenID Connect test provider, {doing}: more than {MAX_HOPS} redirects")


async def complete_login(client: httpx.AsyncClient, authorize_url: str, login: str) -> str:
    """Log in as ``login`` (the account id; any password) through the provider's login form.

    ``authorize_url`` is the provider's full authorization URL, as the relying party redirects to it.
    ``client`` must reach the provider over the network (a plain ``httpx.AsyncClient()``, not one on an
    ASGI transport); its cookie jar keeps the provider's session, so a second call with the same client
    finds the session (single sign-on: no form unless ``max_age``, ``prompt=login`` or an unmet
    ``acr_values`` asks for one). Redirects are followed on the provider's origin only; the redirect back
    to the relying party (``code``, ``state``, ``iss``, or ``error``) is returned without being requested.
    """
    origin = _origin(authorize_url)
    response = await client.get(authorize_url, follow_redirects=False)
    for _ in range(MAX_HOPS):
        off_origin, response = await _follow_on_origin(client, response, origin, "login")
        if off_origin is not None:
            return off_origin
        if response.status_code != 200:
            raise _unexpected(response, "login")
        forms = [form for form in _forms(response.text) if form.method == "post"]
        if not forms:
            raise _unexpected(response, "login (no form on the page)")
        form = forms[0]
        data = dict(form.fields)
        if "login" in form.inputs:
            data["login"] = login
            data["password"] = "any-password"  # the dev login form accepts any password
        action = urljoin(str(response.request.url), form.action)
        if _origin(action) != origin:
            raise AssertionError(
                f"OpenID Connect test provider, login: a form posts off its origin: {action}"
            )
        response = await client.post(action, data=data, follow_redirects=False)
    raise AssertionError(f"OpenID Connect test provider, login: more than {MAX_HOPS} pages")


async def complete_logout(client: httpx.AsyncClient, end_session_url: str) -> str:
    """Confirm RP-initiated logout: GET ``end_session_url``, answer "Yes, sign me out", and return the
    redirect (``post_logout_redirect_uri`` with ``state``, or the provider's own success page when the
    request named no post-logout URI) without requesting it.

    The provider always asks for confirmation: with a session cookie it shows its "sign out?" form, without
    one an auto-submitting form; both are posted here.
    """
    origin = _origin(end_session_url)
    response = await client.get(end_session_url, follow_redirects=False)
    off_origin, response = await _follow_on_origin(client, response, origin, "logout")
    if off_origin is not None:
        return off_origin
    if response.status_code != 200:
        raise _unexpected(response, "logout")
    forms = [form for form in _forms(response.text) if form.method == "post"]
    if not forms:
        raise _unexpected(response, "logout (no form on the page)")
    form = forms[0]
    action = urljoin(str(response.request.url), form.action)
    response = await client.post(action, data={**form.fields, "logout": "yes"}, follow_redirects=False)
    if not response.is_redirect:
        raise _unexpected(response, "logout confirmation")
    return urljoin(str(response.request.url), response.headers["location"])
