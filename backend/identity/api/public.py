"""Anyone: the digital-ID login and its callback, and the OAuth 2.0 token endpoint agencies' systems
call with their client's secret (the secret is the credential, checked by the service)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect

from backend.core.errors import EXCEPTION_HANDLERS, PROBLEM_JSON, Problem
from backend.core.login_navigation import MAX_AGE_LONGEST, NEXT_LONGEST, is_login_navigation, problem_page
from backend.core.resources import Resources
from backend.identity import agency_clients
from backend.identity.agency_clients import OAuthError
from backend.identity.schemas import OAuthProblem
from backend.identity.service import Identity


@get("/login", summary="Start a digital-ID login (or a step-up)")
async def login(
    request: Request[Any, Any, Any],
    identity: NamedDependency[Identity],
    next_path: Annotated[str, QueryParameter(name="next", max_length=NEXT_LONGEST)] = "/",
    acr_values: FromQuery[str | None] = None,
    max_age: Annotated[int | None, QueryParameter(ge=0, le=MAX_AGE_LONGEST)] = None,
) -> Redirect:
    to = await identity.start_login(request, next_path=next_path, acr_values=acr_values, max_age=max_age)
    return Redirect(to.body, status_code=302, cookies=to.cookies)


@get("/callback", summary="The identity provider sends the citizen back here")
async def callback(
    request: Request[Any, Any, Any],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    code: FromQuery[str | None] = None,
    oidc_state: Annotated[str | None, QueryParameter(name="state")] = None,  # "state" is Litestar's
    error: FromQuery[str | None] = None,
) -> Redirect:
    to = await identity.finish_login(request, resources, code=code, state=oidc_state, error=error)
    return Redirect(to.body, status_code=303, cookies=to.cookies)


@post(
    "/token",
    summary="OAuth 2.0 client credentials: an access token for an agency's system",
    status_code=200,
)
async def token(
    request: Request[Any, Any, Any],
    data: URLEncodedBody[dict[str, str]],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[Any]:  # an AccessToken; Any keeps the published OpenAPI document as it was
    issued = await agency_clients.exchange(identity, resources, request, data)
    return Response(issued, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def oauth_error(_: Request[Any, Any, Any], exc: OAuthError) -> Response[OAuthProblem]:
    """RFC 6749 error members inside an RFC 9457 problem body, so both kinds of client understand it."""
    body = OAuthProblem(
        type=f"/problems/oauth-{exc.error.replace('_', '-')}",
        title=exc.description,
        status=exc.status,
        error=exc.error,
        error_description=exc.description,
    )
    return Response(
        body,
        status_code=exc.status,
        media_type=PROBLEM_JSON,
        headers={"Cache-Control": "no-store", **exc.headers},
    )


def login_problem(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The problem the app answers anywhere; a browser loading a login page is sent to the app's own
    page about it instead (``backend.core.login_navigation``), in the citizen's language."""
    handler = next(EXCEPTION_HANDLERS[kind] for kind in type(exc).__mro__ if kind in EXCEPTION_HANDLERS)
    answer = handler(request, exc)
    if not is_login_navigation(request.method, request.url.path, request.scope["headers"]):
        return answer
    problem = msgspec.json.decode(answer.content, type=Problem)
    retry = answer.headers.get("Retry-After", "")
    query = request.scope["query_string"]
    location = problem_page(problem.type, int(retry) if retry.isdigit() else None, query)
    return Redirect(location, status_code=303, headers={"Cache-Control": "no-store"})


login_router = Router(
    "/auth",
    tags=["identity"],
    exception_handlers=dict.fromkeys(EXCEPTION_HANDLERS, login_problem),
    route_handlers=[login, callback],
)
token_router = Router(
    "/oauth", tags=["agency"], exception_handlers={OAuthError: oauth_error}, route_handlers=[token]
)
