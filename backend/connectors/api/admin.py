"""Platform administrators review connectors before they reach citizens. Guarded on the router."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from backend.connectors import review
from backend.connectors.entitlements import EntitlementsService
from backend.connectors.schemas import ConnectorReturn, ConnectorReview
from backend.core.guards import platform_admin
from backend.core.principal import Principal
from backend.core.resources import Resources


@get("/connector-reviews", summary="New connectors and changes to live ones waiting for review, oldest first")
async def connectors_in_review(resources: NamedDependency[Resources]) -> list[ConnectorReview]:
    return await review.in_review(resources)


@post(
    "/connectors/{connector_id:int}/approve",
    summary="Put the connector, or its change, live",
    status_code=200,
)
async def approve_connector(
    connector_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    entitlements: NamedDependency[EntitlementsService],
) -> ConnectorReview:
    return await review.approve(resources, entitlements, connector_id, principal)


@post(
    "/connectors/{connector_id:int}/return",
    summary="Return the connector, or its change, to the agency with a comment",
    status_code=200,
)
async def return_connector(
    connector_id: FromPath[int],
    data: Annotated[ConnectorReturn, msgspec.Meta()],
    resources: NamedDependency[Resources],
) -> ConnectorReview:
    return await review.send_back(resources, connector_id, data)


router = Router(
    "/api/v1/admin",
    guards=[platform_admin],
    tags=["administration"],
    route_handlers=[connectors_in_review, approve_connector, return_connector],
)
