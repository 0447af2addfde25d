"""Logged-in people: keep favourite tiles, open a tile, propose an agency. Guarded on the router: a
person logged in with their digital ID (not an agency's system)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, delete, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.catalogue import service
from backend.catalogue.published import Catalogue
from backend.catalogue.schemas import AgencyView, NewAgency, OpenedTile
from backend.core.guards import person
from backend.core.principal import Principal
from backend.core.resources import Resources


# Guarded here rather than by this module's router: ``GET /api/v1/agencies`` is public, and Litestar
# cannot split one path between two routers (each adds its own OPTIONS handler to the path), so this
# handler is registered on the public router (``api/public.py``) with its own guard.
@post(
    "/agencies",
    guards=[person],
    tags=["catalogue"],
    summary="Propose an agency (a platform admin approves it)",
    status_code=HTTP_201_CREATED,
)
async def propose_agency(
    data: Annotated[NewAgency, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> AgencyView:
    return await service.propose_agency(resources, data, principal)


@put("/tiles/{tile_id:int}/favourite", summary="Add to favourites", status_code=HTTP_204_NO_CONTENT)
async def add_favourite(
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> None:
    await service.add_favourite(resources, catalogue, principal, tile_id)


@delete("/tiles/{tile_id:int}/favourite", summary="Remove from favourites", status_code=HTTP_204_NO_CONTENT)
async def remove_favourite(
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> None:
    await service.remove_favourite(resources, catalogue, principal, tile_id)


@post(
    "/tiles/{tile_id:int}/open",
    summary="The citizen opens a tile (kept for 'recently used')",
    status_code=200,
)
async def open_tile(
    tile_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    catalogue: NamedDependency[Catalogue],
) -> OpenedTile:
    return await service.open_tile(resources, catalogue, principal, tile_id)


router = Router(
    "/api/v1",
    guards=[person],
    tags=["catalogue"],
    route_handlers=[add_favourite, remove_favourite, open_tile],
)
