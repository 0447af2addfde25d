"""Platform admins: biller IDs assigned to agencies (an agency may issue bills only under its own)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_201_CREATED

from backend.core.guards import platform_admin
from backend.core.principal import Principal
from backend.core.resources import Resources
from payments import staff_service
from payments.schemas import NewBiller


@post("/billers", summary="Assign a biller ID to an agency", status_code=HTTP_201_CREATED)
async def assign_biller(
    agency_id: FromPath[int],
    data: Annotated[NewBiller, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> list[str]:
    return await staff_service.assign_biller(resources, principal, agency_id, data)


router = Router(
    "/api/v1/admin/agencies/{agency_id:int}",
    guards=[platform_admin],
    tags=["administration"],
    route_handlers=[assign_biller],
)
