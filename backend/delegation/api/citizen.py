"""A citizen's grants: those they gave and those they received. Guarded on the router: a person logged
in with their digital ID (never an agency's system). Granting and renewing also need a recent, strong
login (step-up), guarded on their routes; accepting and ending do not, so that ending is never hard."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.core.guards import person
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.delegation import family, live, service
from backend.delegation.live import DelegationChanges
from backend.delegation.schemas import (
    Delegations,
    DelegationView,
    Ending,
    NewDelegation,
    NewFamilyGrant,
    Renewal,
)
from backend.identity.service import Identity
from backend.identity.step_up import step_up


@get("/", summary="Who acts for the citizen, and for whom they act (with each grant's history)")
async def my_delegations(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> Delegations:
    return await service.listing(resources, principal)


@get(
    "/live",
    summary="Server-sent events: the caller's grants (as listed above) as they change, while a counter "
    "waits on them (a request to confirm, help on, a code to type)",
)
async def my_delegations_live(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    delegation_changes: NamedDependency[DelegationChanges],
) -> ServerSentEvent:
    return ServerSentEvent(
        await live.watch_mine(resources, delegation_changes, principal), event_type="delegations"
    )


@post(
    "/",
    guards=[step_up],
    status_code=HTTP_201_CREATED,
    summary="Ask another citizen to act for the caller, in the scopes chosen, until a date (needs step-up)",
)
async def invite(
    data: Annotated[NewDelegation, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> DelegationView:
    return await service.invite(resources, identity, principal, data)


@post(
    "/family",
    guards=[step_up],
    status_code=HTTP_201_CREATED,
    summary="Act for one's child under 15 or ward, as a registry confirms (active at once; needs step-up)",
)
async def add_family(
    data: Annotated[NewFamilyGrant, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> DelegationView:
    return await family.add(resources, identity, principal, data)


@post(
    "/{delegation_id:uuid}/accept", status_code=HTTP_200_OK, summary="Agree to act for the person who asked"
)
async def accept(
    delegation_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> DelegationView:
    return await service.accept(resources, principal, delegation_id)


@post(
    "/{delegation_id:uuid}/end",
    status_code=HTTP_200_OK,
    summary="End a grant, by either of its two people (an invitee ending an invitation declines it)",
)
async def end(
    delegation_id: FromPath[uuid.UUID],
    data: Annotated[Ending, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> DelegationView:
    return await service.end(resources, principal, delegation_id, data)


@post(
    "/{delegation_id:uuid}/renew",
    guards=[step_up],
    status_code=HTTP_200_OK,
    summary="Move a grant's end date (at most a year away) and change its scopes (the grantor; step-up)",
)
async def renew(
    delegation_id: FromPath[uuid.UUID],
    data: Annotated[Renewal, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> DelegationView:
    return await service.renew(resources, principal, delegation_id, data)


router = Router(
    "/api/v1/me/delegations",
    guards=[person],
    tags=["delegation"],
    route_handlers=[my_delegations, my_delegations_live, invite, add_family, accept, end, renew],
)
