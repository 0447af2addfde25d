"""Platform admins (``platform_admin``): staff role grants. Agencies' approval is the catalogue's
(``backend/catalogue``)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.core.guards import platform_admin
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity import role_grants
from backend.identity.schemas import NewRoleGrant, RoleGrantView
from backend.identity.service import Identity


@get("/role-grants", summary="Staff role grants (and past ones)")
async def list_role_grants(
    resources: NamedDependency[Resources], include_revoked: FromQuery[bool] = False
) -> list[RoleGrantView]:
    return await role_grants.grants(resources, include_revoked=include_revoked)


@post("/role-grants", summary="Grant a staff role", status_code=HTTP_201_CREATED)
async def grant_role(
    data: Annotated[NewRoleGrant, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> RoleGrantView:
    return await role_grants.grant(resources, identity, principal, data)


@delete(
    "/role-grants/{grant_id:int}",
    summary="Revoke a staff role (the grant is kept, closed)",
    status_code=HTTP_204_NO_CONTENT,
)
async def revoke_role(
    grant_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> None:
    await role_grants.revoke(resources, identity, principal, grant_id)


router = Router(
    "/api/v1/admin",
    guards=[platform_admin],
    tags=["administration"],
    route_handlers=[list_role_grants, grant_role, revoke_role],
)
