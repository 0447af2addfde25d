"""Support staff: a citizen's applications with their files and timelines, and one of those files; each
look is recorded for the citizen. Guarded on the router: support staff (and platform admins)."""

from __future__ import annotations

import uuid

from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from backend.applications import lookups
from backend.applications.api.http import file_response
from backend.applications.context import Applications
from backend.applications.schemas import SupportApplication
from backend.core.guards import support_staff
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity


@get(
    "/citizens/{citizen_id:uuid}/applications",
    summary="A citizen's applications with their files and timelines (recorded for the citizen)",
)
async def support_applications(
    citizen_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    applications: NamedDependency[Applications],
) -> list[SupportApplication]:
    return await lookups.support_applications(applications, resources, identity, principal, citizen_id)


@get(
    "/applications/{application_id:uuid}/files/{file_id:uuid}",
    summary="A file of a citizen's application (recorded for the citizen)",
)
async def support_file(
    application_id: FromPath[uuid.UUID],
    file_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    applications: NamedDependency[Applications],
) -> Response[bytes]:
    download = await lookups.support_file(
        applications, resources, identity, principal, application_id, file_id
    )
    return file_response(download, inline=False)


router = Router(
    "/api/v1/support",
    guards=[support_staff],
    tags=["support"],
    route_handlers=[support_applications, support_file],
)
