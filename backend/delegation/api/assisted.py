"""A citizen starting help at a counter: confirming a staff member's request, or making a code to read
out. Both grant (the staff member then sees the citizen's data), so both need step-up, as granting does;
ending is the delegation route that ends any grant."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Router, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.core.guards import person
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.delegation import assisted
from backend.delegation.schemas import AssistCodeView, AssistConsent, DelegationView
from backend.identity.service import Identity
from backend.identity.step_up import step_up


@post(
    "/codes",
    guards=[step_up],
    status_code=HTTP_201_CREATED,
    summary="Make a one-time code for counter staff to help the caller for one hour (needs step-up)",
)
async def make_code(
    data: Annotated[AssistConsent, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> AssistCodeView:
    return await assisted.make_code(resources, identity, principal, data)


@post(
    "/{delegation_id:uuid}/confirm",
    guards=[step_up],
    status_code=HTTP_200_OK,
    summary="Let the counter staff member who asked help the caller for one hour (needs step-up)",
)
async def confirm(
    delegation_id: FromPath[uuid.UUID],
    data: Annotated[AssistConsent, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> DelegationView:
    return await assisted.confirm(resources, principal, delegation_id, data)


router = Router(
    "/api/v1/me/assisted", guards=[person], tags=["delegation"], route_handlers=[make_code, confirm]
)
