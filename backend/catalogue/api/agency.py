"""Agency staff and systems: their agency's tiles, from draft to review to retirement. Guarded on the
router: staff of the path's agency with the tiles permission (or its system with the ``tiles`` scope)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_201_CREATED

from backend.catalogue import service
from backend.catalogue.published import Catalogue
from backend.catalogue.schemas import AgencyTileView, Retirement, TileContent, TileVersionView
from backend.core.guards import agency_may, agency_may_any
from backend.core.principal import Principal
from backend.core.resources import Resources


@get("/tiles", summary="The agency's tiles in every state")
async def list_agency_tiles(
    agency_id: FromPath[int], resources: NamedDependency[Resources]
) -> list[AgencyTileView]:
    return await service.agency_tiles(resources, agency_id)


@post(
    "/tiles",
    summary="Create a tile (a draft, version 1)",
    status_code=HTTP_201_CREATED,
    guards=[agency_may("tiles")],  # its router lets senders through, to read the list
)
async def create_tile(
    agency_id: FromPath[int],
    data: Annotated[TileContent, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyTileView:
    return await service.create_tile(resources, agency_id, data, principal)


@put("/tiles/{tile_id:int}", summary="Save new content as the next version of the draft")
async def update_tile(
    agency_id: FromPath[int],
    tile_id: FromPath[int],
    data: Annotated[TileContent, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyTileView:
    return await service.update_tile(resources, agency_id, tile_id, data, principal)


@post("/tiles/{tile_id:int}/submit", summary="Submit the draft for review", status_code=200)
async def submit_tile(
    agency_id: FromPath[int],
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyTileView:
    return await service.submit_tile(resources, agency_id, tile_id, principal)


@post("/tiles/{tile_id:int}/retire", summary="Take the tile out of the catalogue", status_code=200)
async def retire_tile(
    agency_id: FromPath[int],
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
    data: Annotated[Retirement | None, msgspec.Meta()] = None,
) -> AgencyTileView:
    return await service.retire_tile(resources, catalogue, agency_id, tile_id, principal, data)


@get("/tiles/{tile_id:int}/versions", summary="Every saved version, newest first")
async def tile_versions(
    agency_id: FromPath[int], tile_id: FromPath[int], resources: NamedDependency[Resources]
) -> list[TileVersionView]:
    return await service.tile_versions(resources, agency_id, tile_id)


router = Router(
    "/api/v1/agency/{agency_id:int}",
    guards=[agency_may("tiles")],
    tags=["agency"],
    route_handlers=[update_tile, submit_tile, retire_tile, tile_versions],
)
# Senders read the list too: a message to "the followers of one tile" names one of the agency's tiles.
# (One router for both methods of /tiles: Litestar answers OPTIONS once per path.)
list_router = Router(
    "/api/v1/agency/{agency_id:int}",
    guards=[agency_may_any("tiles", "notifications")],
    tags=["agency"],
    route_handlers=[list_agency_tiles, create_tile],
)
