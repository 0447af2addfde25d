"""Platform administrators: approve and suspend agencies, review tiles. Guarded on the router."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from backend.catalogue import service
from backend.catalogue.published import Catalogue
from backend.catalogue.schemas import AgencyTileView, AgencyView, ReviewDecision
from backend.core.guards import platform_admin
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity


@get("/agencies", summary="Agencies by status")
async def admin_list_agencies(
    resources: NamedDependency[Resources],
    status: Annotated[str | None, QueryParameter(pattern="^(pending|approved|suspended)$")] = None,
) -> list[AgencyView]:
    return await service.agencies(resources, status)


@post("/agencies/{agency_id:int}/approve", summary="Approve an agency", status_code=200)
async def approve_agency(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
    catalogue: NamedDependency[Catalogue],
) -> AgencyView:
    return await service.decide_agency(resources, identity, catalogue, agency_id, "approved", principal)


@post(
    "/agencies/{agency_id:int}/suspend",
    summary="Suspend an agency: its tiles leave the catalogue",
    status_code=200,
)
async def suspend_agency(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
    catalogue: NamedDependency[Catalogue],
) -> AgencyView:
    return await service.decide_agency(resources, identity, catalogue, agency_id, "suspended", principal)


@get("/tile-reviews", summary="Tiles waiting for review, oldest first")
async def tiles_in_review(resources: NamedDependency[Resources]) -> list[AgencyTileView]:
    return await service.tiles_in_review(resources)


@post("/tiles/{tile_id:int}/publish", summary="Publish the version in review", status_code=200)
async def publish_tile(
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> AgencyTileView:
    return await service.decide_tile(resources, catalogue, tile_id, principal, publish=True)


@post(
    "/tiles/{tile_id:int}/return",
    summary="Return the version in review to the agency with a comment",
    status_code=200,
)
async def return_tile(
    tile_id: FromPath[int],
    data: Annotated[ReviewDecision, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> AgencyTileView:
    return await service.decide_tile(resources, catalogue, tile_id, principal, publish=False, decision=data)


router = Router(
    "/api/v1/admin",
    guards=[platform_admin],
    tags=["administration"],
    route_handlers=[
        admin_list_agencies, approve_agency, suspend_agency, tiles_in_review, publish_tile, return_tile,
    ],
)  # fmt: skip
