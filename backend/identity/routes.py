"""HTTP surface of the identity feature: login, callback, logout, the citizen's profile and sessions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect
from litestar.status_codes import HTTP_204_NO_CONTENT

from backend.core.crypto import mask_national_id
from backend.core.errors import BadRequest, Forbidden, NotFound, ServiceUnavailable
from backend.core.links import is_same_site_path
from backend.core.principal import Principal, Session
from backend.core.ratelimit import client_address
from backend.core.resources import Resources
from backend.identity import queries
from backend.identity.oidc import LoginFailed
from backend.identity.service import Identity, session_cookie_name
from backend.identity.step_up import require_step_up

_ACR_VALUES = re.compile(r"^[\w:.\-/ ]{1,200}$")


class Me(msgspec.Struct, frozen=True):
    id: str
    name_th: str | None
    name_en: str | None
    birthdate: dt.date | None
    national_id_masked: str
    roles: list[RoleView]
    csrf_token: str
    """Send back in X-CSRF-Token on every POST, PUT, PATCH and DELETE."""
    acr: str | None
    auth_time: int | None


class RoleView(msgspec.Struct, frozen=True):
    role: str
    agency_id: int | None


class SessionView(msgspec.Struct, frozen=True):
    id: str
    current: bool
    created_at: dt.datetime
    last_seen_at: dt.datetime
    user_agent: str
    ip_address: str
    acr: str | None


class LogoutResult(msgspec.Struct, frozen=True):
    end_session_url: str | None
    """Where to send the browser so the identity provider ends its session too (when it can)."""


class EndedSessions(msgspec.Struct, frozen=True):
    ended: int


def _person(principal: Principal) -> tuple[str, Session]:
    """The citizen id and session of a person logged in with the cookie (not an agency's system)."""
    if principal.citizen_id is None or principal.session is None:
        raise Forbidden("This is for people logged in with their digital ID.")
    return principal.citizen_id, principal.session


def _timestamp(value: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)


@get("/auth/login", tags=["identity"], summary="Start a digital-ID login (or a step-up)")
async def login(
    request: Request[Any, Any, Any],
    identity: NamedDependency[Identity],
    next_path: Annotated[str, QueryParameter(name="next", max_length=2000)] = "/",
    acr_values: FromQuery[str | None] = None,
    max_age: Annotated[int | None, QueryParameter(ge=0, le=86400)] = None,
) -> Redirect:
    await identity.limit(request, identity.login_bucket)
    if not is_same_site_path(next_path):
        raise BadRequest("next must be a path on this site, such as /bills")
    if acr_values is not None and not _ACR_VALUES.match(acr_values):
        raise BadRequest("acr_values is not a valid list of assurance levels")
    url, binding = await identity.oidc.authorization_url(
        next_url=next_path, acr_values=acr_values, max_age=max_age
    )
    return Redirect(url, status_code=302, cookies=[identity.login_binding_cookie(binding)])


@get("/auth/callback", tags=["identity"], summary="The identity provider sends the citizen back here")
async def callback(
    request: Request[Any, Any, Any],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    code: FromQuery[str | None] = None,
    oidc_state: Annotated[str | None, QueryParameter(name="state")] = None,  # "state" is Litestar's
    error: FromQuery[str | None] = None,
) -> Redirect:
    await identity.limit(request, identity.callback_bucket)
    if error:
        raise LoginFailed("The identity provider did not log you in. Please try again.")
    if not code or not oidc_state:
        raise LoginFailed("The identity provider's answer is incomplete. Please log in again.")
    binding = request.cookies.get(identity.login_binding_cookie_name)
    verified = await identity.oidc.complete(code=code, state=oidc_state, browser_binding=binding)
    citizen_id = await identity.record_login(resources, verified)
    # Rotation: whatever session this browser had before ends; the login gets a new one.
    previous = request.cookies.get(session_cookie_name(identity.settings))
    if previous and (old := await identity.sessions.load(previous)) is not None:
        await identity.sessions.end(old.citizen_id, old.public_id)
    token, _ = await identity.sessions.create(
        citizen_id,
        acr=verified.acr,
        amr=verified.amr,
        auth_time=verified.auth_time,
        user_agent=request.headers.get("user-agent", ""),
        ip_address=client_address(request, identity.settings.trusted_proxy_networks),
        sealed_national_id=identity.cipher.encrypt(verified.national_id),
        birthdate=verified.birthdate,
    )
    cookies = [identity.session_cookie(token), identity.login_binding_cookie("", expire=True)]
    return Redirect(verified.next_url, status_code=303, cookies=cookies)


@post(
    "/auth/logout",
    tags=["identity"],
    summary="End this session (and the provider's, when it can)",
    status_code=200,
)
async def logout(
    principal: NamedDependency[Principal], identity: NamedDependency[Identity]
) -> Response[LogoutResult]:
    citizen_id, session = _person(principal)
    await identity.sessions.end(citizen_id, session.public_id)
    try:
        end_session_url = await identity.oidc.end_session_url(
            post_logout_redirect_uri=f"{identity.settings.public_url}/"
        )
    except ServiceUnavailable:  # our session is over whatever the provider says: clear the cookie
        end_session_url = None
    return Response(
        LogoutResult(end_session_url=end_session_url), cookies=[identity.expired_session_cookie()]
    )


@get("/api/v1/me", tags=["identity"], summary="The logged-in citizen")
async def me(
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Me:
    citizen_id, session = _person(principal)
    row = await queries.citizen_by_id(resources.pool, citizen_id)
    if row is None:
        raise NotFound("Your account no longer exists.")
    national_id = identity.cipher.decrypt(row["national_id_key_id"], row["national_id_ciphertext"])
    return Me(
        id=row["id"],
        name_th=row["name_th"],
        name_en=row["name_en"],
        birthdate=row["birthdate"],
        national_id_masked=mask_national_id(national_id),
        roles=[RoleView(role=role, agency_id=agency) for role, agency in sorted(principal.roles, key=str)],
        csrf_token=session.csrf_token,
        acr=session.acr,
        auth_time=session.auth_time,
    )


class NationalId(msgspec.Struct, frozen=True):
    national_id: str


@get(
    "/api/v1/me/national-id",
    tags=["identity"],
    summary="The citizen's full national ID (needs a recent, stronger login: RFC 9470 step-up)",
)
async def my_national_id(
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[NationalId]:
    settings = identity.settings
    require_step_up(
        principal,
        minimum_acr=settings.step_up_acr,
        acr_levels=settings.acr_levels,
        max_age_seconds=settings.step_up_max_age_seconds,
    )
    citizen_id, _ = _person(principal)
    row = await queries.citizen_by_id(resources.pool, citizen_id)
    if row is None:
        raise NotFound("Your account no longer exists.")
    national_id = identity.cipher.decrypt(row["national_id_key_id"], row["national_id_ciphertext"])
    return Response(NationalId(national_id=national_id), headers={"Cache-Control": "no-store"})


@get("/api/v1/me/sessions", tags=["identity"], summary="The citizen's active sessions")
async def list_sessions(
    principal: NamedDependency[Principal], identity: NamedDependency[Identity]
) -> list[SessionView]:
    citizen_id, session = _person(principal)
    current = session.public_id
    return [
        SessionView(
            id=session.public_id,
            current=session.public_id == current,
            created_at=_timestamp(session.created_at),
            last_seen_at=_timestamp(session.last_seen_at),
            user_agent=session.user_agent,
            ip_address=session.ip_address,
            acr=session.acr,
        )
        for session in await identity.sessions.list_for(citizen_id)
    ]


@delete(
    "/api/v1/me/sessions/{session_id:str}",
    tags=["identity"],
    summary="End one of the citizen's sessions",
    status_code=HTTP_204_NO_CONTENT,
)
async def end_session(
    session_id: FromPath[str], principal: NamedDependency[Principal], identity: NamedDependency[Identity]
) -> None:
    citizen_id, _ = _person(principal)
    if not await identity.sessions.end(citizen_id, session_id):
        raise NotFound("No such session.")


@delete(
    "/api/v1/me/sessions",
    tags=["identity"],
    summary="End all of the citizen's sessions, this one included",
    status_code=200,
)
async def end_all_sessions(
    principal: NamedDependency[Principal], identity: NamedDependency[Identity]
) -> Response[EndedSessions]:
    citizen_id, _ = _person(principal)
    ended = await identity.sessions.end_all(citizen_id)
    return Response(EndedSessions(ended=ended), cookies=[identity.expired_session_cookie()])


IDENTITY_ROUTES = [login, callback, logout, me, my_national_id, list_sessions, end_session, end_all_sessions]
