"""Support staff: find a citizen or their messages, see each delivery attempt, and resend. Guarded on
the router: support staff and platform admins; what each one sees or does is recorded against them in
the citizen's "who accessed my data" log (``notifications.support``)."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.core.guards import support_staff
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.identity.service import Identity
from notifications import support
from notifications.schemas import (
    MAX_SUPPORT_RESULTS,
    CitizenMessages,
    FindCitizen,
    Found,
    FoundCitizen,
    ResendRequest,
    Resent,
    Search,
)


@post(
    "/notifications/search",
    summary="Find messages by national ID, message id, agency, status and time",
    status_code=HTTP_200_OK,
)
async def search(
    data: Annotated[Search, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> list[Found]:
    return await support.search(resources, identity, citizen_of(principal), data)


@post(
    "/citizens/find",
    summary="Find a citizen by national ID (in the body, never the URL); the look-up is recorded",
    status_code=HTTP_200_OK,
)
async def find_citizen(
    data: Annotated[FindCitizen, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> FoundCitizen:
    """The way in for "I paid but it says unpaid" too, when the citizen has had no message."""
    return await support.find_citizen(resources, identity, citizen_of(principal), data)


@get(
    "/citizens/{citizen_id:uuid}/notifications",
    summary="One citizen's devices and messages, each delivery attempt and its reason",
)
async def citizen_messages(
    citizen_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_SUPPORT_RESULTS)] = 20,
) -> CitizenMessages:
    return await support.citizen_messages(resources, identity, citizen_of(principal), citizen_id, limit)


@post(
    "/notifications/{notification_id:uuid}/resend",
    summary="Push a message again to the citizen's current devices",
    status_code=HTTP_200_OK,
)
async def resend(
    notification_id: FromPath[uuid.UUID],
    data: Annotated[ResendRequest, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Resent:
    return await support.resend(resources, citizen_of(principal), notification_id, data)


router = Router(
    "/api/v1/support",
    guards=[support_staff],
    tags=["support"],
    route_handlers=[find_citizen, search, citizen_messages, resend],
)
