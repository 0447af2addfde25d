"""Litestar guards: who may call a router's routes, declared on the router so that a handler states
nothing about it. Each reads the principal the authentication middleware (``backend.identity.auth``)
put on the connection and applies the rules of ``backend.core.principal``; a refusal is the same RFC 9457
problem the rules raise (401 without a login, 403 for the wrong role or agency).

Every guard stands aside for OPTIONS: Litestar answers it for every path (the allowed methods, no data;
"anyone" in docs/permissions.md) through the router of the path's first handler, so that router's
guards run on it too (litestar-org/litestar#2314), and no route of the app handles OPTIONS itself.

The agency guard reads the agency from the path (``{agency_id:int}``); where the agency comes from the
request body (an agency's system issuing a bill), the service checks it against ``agencies_of``.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from backend.core.errors import Forbidden, NotAuthenticated
from backend.core.principal import (
    AgencyPermission,
    Principal,
    agencies_of,
    may_act_for_agency,
    require_agency_permission,
    require_counter_staff,
    require_person,
    require_platform_admin,
    require_support_staff,
)

Connection = ASGIConnection[Any, Any, Any, Any]


def is_options(connection: Connection) -> bool:
    """Litestar's own OPTIONS answer, which every guard lets through (see the module docstring)."""
    return bool(connection.scope.get("method") == "OPTIONS")


def principal_of(connection: Connection) -> Principal | None:
    """The caller, or None when anonymous; raises what authentication found wrong (a bad token, a
    missing CSRF token), deferred by the middleware so that public routes stay reachable."""
    scope: Any = connection.scope
    problem = scope.get("auth_problem")
    if problem is not None:
        raise problem
    principal: Principal | None = scope.get("user")
    return principal


async def person(connection: Connection, _: BaseRouteHandler) -> None:
    """A citizen logged in with their digital ID (not an agency's system)."""
    if not is_options(connection):
        require_person(principal_of(connection))


async def support_staff(connection: Connection, _: BaseRouteHandler) -> None:
    if not is_options(connection):
        require_support_staff(principal_of(connection))


async def counter_staff(connection: Connection, _: BaseRouteHandler) -> None:
    if not is_options(connection):
        require_counter_staff(principal_of(connection))


async def platform_admin(connection: Connection, _: BaseRouteHandler) -> None:
    if not is_options(connection):
        require_platform_admin(principal_of(connection))


async def agency_member(connection: Connection, _: BaseRouteHandler) -> None:
    """Staff of some agency, or an agency's system: routes whose agency comes from the body."""
    if is_options(connection):
        return
    principal = principal_of(connection)
    if principal is None:
        raise NotAuthenticated("Log in, or present an agency access token.")
    if not agencies_of(principal):
        raise Forbidden("Only an agency's staff or its systems may do this.")


def agency_may(permission: AgencyPermission) -> Guard:
    """Staff of the path's agency whose role carries ``permission``, or that agency's system with the
    scope of the same name."""

    async def guard(connection: Connection, _: BaseRouteHandler) -> None:
        if not is_options(connection):
            agency_id = int(connection.path_params["agency_id"])
            require_agency_permission(principal_of(connection), agency_id, permission)

    guard.__name__ = f"agency_may_{permission}"
    return guard


def agency_may_any(*permissions: AgencyPermission) -> Guard:
    """Staff of the path's agency whose role carries any of ``permissions`` (or its system with one of
    those scopes): for what several kinds of staff need to see."""

    async def guard(connection: Connection, _: BaseRouteHandler) -> None:
        if is_options(connection):
            return
        principal, agency_id = principal_of(connection), int(connection.path_params["agency_id"])
        if principal is None or not any(may_act_for_agency(principal, agency_id, p) for p in permissions):
            require_agency_permission(principal, agency_id, permissions[-1])

    guard.__name__ = "agency_may_" + "_or_".join(permissions)
    return guard
