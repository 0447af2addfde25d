"""Agency staff and systems: their agency's connectors, and the calls made to them. Guarded on the
router: staff of the path's agency with the connectors permission (or its system with the
``connectors`` scope)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.connectors import health, service
from backend.connectors.entitlements import EntitlementsService
from backend.connectors.schemas import (
    ConnectorHealth,
    ConnectorTestCall,
    ConnectorTestResult,
    ConnectorView,
    DataAccessView,
    NewConnector,
)
from backend.core.guards import agency_may
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity


@post(
    "/connectors",
    summary="Register a connector: it goes live once a platform admin approves it",
    status_code=HTTP_201_CREATED,
)
async def register_connector(
    agency_id: FromPath[int],
    data: Annotated[NewConnector, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> ConnectorView:
    return await service.register_connector(resources, identity, entitlements, agency_id, data, principal)


@put(
    "/connectors/{connector_id:int}",
    summary=(
        "Change a connector (and turn it back on); a change to a live one's address, purpose, data items "
        "or consent rule waits for review while the approved version serves; leave the secret out to keep "
        "the stored one"
    ),
)
async def update_connector(
    agency_id: FromPath[int],
    connector_id: FromPath[int],
    data: Annotated[NewConnector, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> ConnectorView:
    return await service.update_connector(
        resources, identity, entitlements, agency_id, connector_id, data, principal
    )


@get("/connectors", summary="The agency's connectors and their circuit state")
async def list_connectors(
    agency_id: FromPath[int],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> list[ConnectorView]:
    return await service.agency_connectors(resources, entitlements, agency_id)


@post(
    "/connectors/{connector_id:int}/test",
    summary="Call the connector once with a test national ID the agency supplies, and show the answer",
    status_code=HTTP_200_OK,
)
async def test_connector(
    agency_id: FromPath[int],
    connector_id: FromPath[int],
    data: Annotated[ConnectorTestCall, msgspec.Meta()],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> ConnectorTestResult:
    return await health.test_call(resources, entitlements, agency_id, connector_id, data)


@get(
    "/connectors/{connector_id:int}/health",
    summary="The connector's circuit breaker, recent calls and failures, and latency",
)
async def connector_health(
    agency_id: FromPath[int],
    connector_id: FromPath[int],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> ConnectorHealth:
    return await health.health(resources, entitlements, agency_id, connector_id)


@delete("/connectors/{connector_id:int}", summary="Disable a connector", status_code=HTTP_204_NO_CONTENT)
async def disable_connector(
    agency_id: FromPath[int],
    connector_id: FromPath[int],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> None:
    await service.disable_connector(resources, entitlements, agency_id, connector_id)


@get("/data-access", summary="Calls made to this agency's connectors (this agency only)")
async def agency_data_access(
    agency_id: FromPath[int],
    resources: NamedDependency[Resources],
    before: FromQuery[int | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
) -> list[DataAccessView]:
    return await service.agency_data_access(resources, agency_id, before, limit)


router = Router(
    "/api/v1/agency/{agency_id:int}",
    guards=[agency_may("connectors")],
    tags=["agency"],
    route_handlers=[
        register_connector,
        update_connector,
        list_connectors,
        test_connector,
        connector_health,
        disable_connector,
        agency_data_access,
    ],
)
