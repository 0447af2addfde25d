"""A citizen's side of programmes: what is open, their place in line, their registration. Guarded on
the router: a person logged in with their digital ID. The shapes are docs/waiting-room.md's contract."""

from __future__ import annotations

import uuid

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from backend.core.guards import person
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.programmes import service
from backend.programmes.schemas import Programme, QueueState, Registration


@get("/", summary="Programmes not yet closed, soonest first")
async def programmes(resources: NamedDependency[Resources]) -> list[Programme]:
    return await service.listing(resources)


@get("/{programme_id:uuid}", summary="One programme: what it is, when it opens and closes")
async def programme(programme_id: FromPath[uuid.UUID], resources: NamedDependency[Resources]) -> Programme:
    return await service.programme(resources, programme_id)


@post(
    "/{programme_id:uuid}/queue",
    status_code=HTTP_202_ACCEPTED,
    summary="Join the programme's line (joining again answers the same ticket)",
)
async def join(
    programme_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> QueueState:
    return await service.join(resources, programme_id, citizen_of(principal))


@get(
    "/{programme_id:uuid}/queue",
    summary="The caller's place in line: position, wait, admission window or reference, when to ask again",
)
async def queue_state(
    programme_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Response[QueueState]:
    state = await service.queue_state(resources, programme_id, citizen_of(principal))
    return Response(state, headers={"Cache-Control": "no-store"})


@post(
    "/{programme_id:uuid}/registrations",
    status_code=HTTP_201_CREATED,
    summary="Register, once, while admitted (sent again: 200 with the same registration)",
)
async def register(
    programme_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Response[Registration]:
    registration, new = await service.register(resources, programme_id, citizen_of(principal))
    return Response(registration, status_code=HTTP_201_CREATED if new else HTTP_200_OK)


router = Router(
    "/api/v1/programmes",
    guards=[person],
    tags=["programmes"],
    route_handlers=[programmes, programme, join, queue_state, register],
)
