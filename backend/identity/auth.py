"""The authentication middleware: resolves the session cookie or an agency's bearer token into the
connection's principal (``scope["user"]``), and checks the CSRF token of a cookie request that changes
anything. Guards (``backend.core.guards``) then decide who may call what.

What goes wrong here (a revoked token, a missing CSRF token) is kept and raised by the first guard or
principal dependency that asks, so that a public route answers as it would for anyone. Only API and
login paths are looked at: the PWA's own files need no Redis read.
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from backend.core.errors import AppError, Forbidden, NotAuthenticated
from backend.core.principal import Principal
from backend.identity.service import CSRF_HEADER, Identity, session_cookie_name
from backend.identity.sessions import citizen_of_token

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CSRF_HEADER = CSRF_HEADER.encode()
_PATHS = ("/api/", "/auth/", "/receipts/")  # what reads a principal; not the PWA's files


class AuthenticationMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["path"].startswith(_PATHS):
            try:
                scope["user"] = await _principal(scope)
            except AppError as problem:
                scope["user"] = None
                scope["auth_problem"] = problem  # type: ignore[typeddict-unknown-key]
        else:
            scope["user"] = None
        await next_app(scope, receive, send)


async def _principal(scope: Scope) -> Principal | None:
    state: Any = scope["app"].state
    identity: Identity = state.identity
    # ASGI header names are lower case; reading the few we need is cheaper than a headers object.
    authorization, csrf, cookies = "", "", []
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value.decode("latin-1")
        elif name == b"cookie":
            cookies.append(value.decode("latin-1"))
        elif name == _CSRF_HEADER:
            csrf = value.decode("latin-1")
    if authorization[:7].lower() == "bearer ":
        grant = await identity.agency_tokens.resolve(authorization[7:].strip())
        if grant is None:
            raise NotAuthenticated(
                "The access token is not valid (expired or revoked).",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return Principal(
            citizen_id=None,
            session=None,
            client_agency_id=grant.agency_id,
            client_scopes=frozenset(grant.scopes),
            client_id=grant.client_id,
        )
    token = _cookie(cookies, session_cookie_name(identity.settings))
    if not token:
        return None
    # The page's keys of the citizen the cookie names, read with the session in one MGET.
    citizen_id = citizen_of_token(token)
    wanted = identity.prefetch.get(scope["path"])
    others = wanted(citizen_id) if wanted is not None and citizen_id is not None else []
    session, values = await identity.sessions.load_with(token, others)
    if session is None:
        return None
    unsafe = scope.get("method") not in _SAFE_METHODS
    if unsafe and not hmac.compare_digest(csrf.encode(), session.csrf_token.encode()):
        raise Forbidden("This request is missing its CSRF token. Reload the app and try again.")
    return await identity.principal_for(state.resources, session, dict(zip(others, values, strict=True)))


def _cookie(headers: list[str], name: str) -> str:
    for header in headers:
        for part in header.split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
    return ""
