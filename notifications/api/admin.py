"""Platform admins: which agencies may send emergency alerts (the categories that pass citizens'
opt-outs and quiet hours when urgent). Guarded on the router: platform admins only."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.core.guards import platform_admin
from backend.core.principal import Principal
from backend.core.resources import Resources
from notifications import alerts
from notifications.schemas import EmergencyAlertApprovalView, NewEmergencyAlertApproval


@get("/emergency-alert-approvals", summary="Agencies approved to send emergency alerts (and past approvals)")
async def list_emergency_alert_approvals(
    resources: NamedDependency[Resources], include_revoked: FromQuery[bool] = False
) -> list[EmergencyAlertApprovalView]:
    return await alerts.approvals(resources, include_revoked=include_revoked)


@post(
    "/emergency-alert-approvals",
    summary="Approve an agency to send emergency alerts (categories payments and safety, which pass "
    "citizens' opt-outs and quiet hours when urgent)",
    status_code=HTTP_201_CREATED,
)
async def approve_emergency_alerts(
    data: Annotated[NewEmergencyAlertApproval, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> EmergencyAlertApprovalView:
    return await alerts.approve(resources, data, principal.citizen_id)


@delete(
    "/emergency-alert-approvals/{approval_id:int}",
    summary="Revoke an agency's approval for emergency alerts (kept, closed; effective at once)",
    status_code=HTTP_204_NO_CONTENT,
)
async def revoke_emergency_alerts(
    approval_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> None:
    await alerts.revoke(resources, approval_id, principal.citizen_id)


router = Router(
    "/api/v1/admin",
    guards=[platform_admin],
    tags=["administration"],
    route_handlers=[list_emergency_alert_approvals, approve_emergency_alerts, revoke_emergency_alerts],
)
