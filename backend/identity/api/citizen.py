"""A logged-in person (``person``): their profile and full national ID (after a step-up), their
sessions, and logging out."""

from __future__ import annotations

from litestar import Response, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_204_NO_CONTENT

from backend.core.guards import person
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity import account
from backend.identity.schemas import EndedSessions, LogoutResult, Me, NationalId, SessionView
from backend.identity.service import Identity
from backend.identity.step_up import step_up


@post("/logout", summary="End this session (and the provider's, when it can)", status_code=200)
async def logout(
    principal: NamedDependency[Principal], identity: NamedDependency[Identity]
) -> Response[LogoutResult]:
    ended = await identity.log_out(principal)
    return Response(ended.body, cookies=ended.cookies)


@get("/", summary="The logged-in citizen")
async def me(
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Me:
    return await account.me(identity, resources, principal)


@get(
    "/national-id",
    guards=[step_up],
    summary="The citizen's full national ID (needs a recent, stronger login: RFC 9470 step-up)",
)
async def my_national_id(
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[NationalId]:
    national_id = await account.national_id(identity, resources, principal)
    return Response(national_id, headers={"Cache-Control": "no-store"})


@get("/sessions", summary="The citizen's active sessions")
async def list_sessions(
    principal: NamedDependency[Principal], identity: NamedDependency[Identity]
) -> list[SessionView]:
    return await account.sessions(identity, principal)


@delete(
    "/sessions/{session_id:str}", summary="End one of the citizen's sessions", status_code=HTTP_204_NO_CONTENT
)
async def end_session(
    session_id: FromPath[str], principal: NamedDependency[Principal], identity: NamedDependency[Identity]
) -> None:
    await account.end_session(identity, principal, session_id)


@delete("/sessions", summary="End all of the citizen's sessions, this one included", status_code=200)
async def end_all_sessions(
    principal: NamedDependency[Principal], identity: NamedDependency[Identity]
) -> Response[EndedSessions]:
    ended = await account.end_all_sessions(identity, principal)
    return Response(ended.body, cookies=ended.cookies)


logout_router = Router("/auth", guards=[person], tags=["identity"], route_handlers=[logout])
me_router = Router(
    "/api/v1/me",
    guards=[person],
    tags=["identity"],
    route_handlers=[me, my_national_id, list_sessions, end_session, end_all_sessions],
)
