"""Agency staff and systems: a verification code for a message the agency sends through its own SMS,
post or email provider. The agency is named in the body (or is the caller's only one), so the router lets
agency members through and the service checks the ``notifications`` permission for that agency."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, Router, post
from litestar.di import NamedDependency
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.core.guards import agency_member
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.genuine import service
from backend.genuine.context import Genuine
from backend.genuine.schemas import MessageCode, NewMessageCode
from backend.identity.service import Identity


@post(
    "/message-codes",
    summary="A verification code and link for an SMS, letter or email the agency sends itself (also "
    "recorded in the citizen's inbox)",
    status_code=HTTP_201_CREATED,
)
async def register_message(
    data: Annotated[NewMessageCode, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    genuine: NamedDependency[Genuine],
) -> Response[MessageCode]:
    code, created = await service.register(genuine, resources, identity, principal, data)
    return Response(code, status_code=HTTP_201_CREATED if created else HTTP_200_OK)


router = Router("/api/v1/agency", guards=[agency_member], tags=["agency"], route_handlers=[register_message])
