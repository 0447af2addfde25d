"""An agency's administrators (``agency_may("clients")``; agencies' systems hold no such scope): the
agency's machine clients and their secrets."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.core.guards import agency_may
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity import agency_clients
from backend.identity.schemas import (
    AgencyClientView,
    IssuedClient,
    IssuedSecret,
    NewAgencyClient,
    SecretRotation,
)
from backend.identity.service import Identity

_NO_STORE = {"Cache-Control": "no-store"}  # a secret shown once must not stay in any cache


@get("/clients", summary="The agency's machine clients")
async def list_agency_clients(
    agency_id: FromPath[int], resources: NamedDependency[Resources]
) -> list[AgencyClientView]:
    return await agency_clients.clients(resources, agency_id)


@post(
    "/clients",
    summary="Create a machine client (its secret is shown once)",
    status_code=HTTP_201_CREATED,
)
async def create_agency_client(
    agency_id: FromPath[int],
    data: Annotated[NewAgencyClient, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Response[IssuedClient]:
    issued = await agency_clients.create_client(resources, agency_id, data, principal)
    return Response(issued, status_code=HTTP_201_CREATED, headers=_NO_STORE)


@post(
    "/clients/{client_id:str}/secrets",
    summary="Rotate a client's secret; older secrets keep working for the overlap",
    status_code=HTTP_201_CREATED,
)
async def rotate_agency_client_secret(
    agency_id: FromPath[int],
    client_id: FromPath[str],
    data: Annotated[SecretRotation, msgspec.Meta()],
    resources: NamedDependency[Resources],
) -> Response[IssuedSecret]:
    issued = await agency_clients.rotate_secret(resources, agency_id, client_id, data)
    return Response(issued, status_code=HTTP_201_CREATED, headers=_NO_STORE)


@delete(
    "/clients/{client_id:str}",
    summary="Revoke a client: its secrets and live tokens stop working at once",
    status_code=HTTP_204_NO_CONTENT,
)
async def revoke_agency_client(
    agency_id: FromPath[int],
    client_id: FromPath[str],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> None:
    await agency_clients.revoke_client(resources, identity.agency_tokens, agency_id, client_id, principal)


router = Router(
    "/api/v1/agency/{agency_id:int}",
    guards=[agency_may("clients")],
    tags=["agency"],
    route_handlers=[
        list_agency_clients,
        create_agency_client,
        rotate_agency_client_secret,
        revoke_agency_client,
    ],
)
