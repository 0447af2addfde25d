"""An agency's programmes: define one, and see how many joined, were let in and registered. Guarded on
the router: staff of the path's agency with the tiles permission (or its system with that scope): a
programme is a service citizens see, like a tile."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.core.guards import agency_may
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.programmes import service
from backend.programmes.schemas import NewProgramme, Programme, ProgrammeCounts


@post("/", status_code=HTTP_201_CREATED, summary="Define a programme: its text, when it opens, its pace")
async def create_programme(
    agency_id: FromPath[int],
    data: Annotated[NewProgramme, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Programme:
    created_by = None if principal.is_machine else principal.citizen_id
    return await service.create(resources, agency_id, data, created_by)


@post("/{programme_id:uuid}/close", status_code=HTTP_200_OK, summary="Close registration now")
async def close_programme(
    agency_id: FromPath[int], programme_id: FromPath[uuid.UUID], resources: NamedDependency[Resources]
) -> Programme:
    return await service.close(resources, agency_id, programme_id)


@get("/", summary="The agency's programmes, with how many joined, were let in and registered")
async def agency_programmes(
    agency_id: FromPath[int], resources: NamedDependency[Resources]
) -> list[ProgrammeCounts]:
    return await service.agency_listing(resources, agency_id)


@get("/{programme_id:uuid}", summary="One of the agency's programmes")
async def agency_programme(
    agency_id: FromPath[int], programme_id: FromPath[uuid.UUID], resources: NamedDependency[Resources]
) -> Programme:
    return await service.programme(resources, programme_id, agency_id)


router = Router(
    "/api/v1/agency/{agency_id:int}/programmes",
    guards=[agency_may("tiles")],
    tags=["programmes"],
    route_handlers=[create_programme, close_programme, agency_programmes, agency_programme],
)
