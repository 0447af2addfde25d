"""Support staff (``support_staff``): who acts for a citizen and for whom they act, masked; recorded."""

from __future__ import annotations

import uuid

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from backend.core.guards import support_staff
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.delegation.schemas import SupportDelegations
from backend.delegation.support import delegations_of_citizen
from backend.identity.service import Identity


@get(
    "/citizens/{citizen_id:uuid}/delegations",
    summary="Who acts for the citizen and for whom they act (masked national IDs; recorded)",
)
async def citizen_delegations(
    citizen_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> SupportDelegations:
    return await delegations_of_citizen(resources, identity, citizen_id, citizen_of(principal))


router = Router(
    "/api/v1/support", guards=[support_staff], tags=["delegation"], route_handlers=[citizen_delegations]
)
