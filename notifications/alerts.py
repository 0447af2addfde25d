"""Emergency-alert approvals, granted and revoked by platform admins: an approved agency's urgent
messages in the reserved categories (``service.RESERVED_CATEGORIES``) pass citizens' opt-outs and quiet
hours. The routes are ``notifications.api.admin``."""

from __future__ import annotations

import uuid

from backend.core.errors import Conflict, NotFound
from backend.core.resources import Resources
from backend.identity import queries as identity_queries
from notifications.queries import alerts as queries
from notifications.schemas import EmergencyAlertApprovalView, NewEmergencyAlertApproval


async def approvals(resources: Resources, *, include_revoked: bool) -> list[EmergencyAlertApprovalView]:
    return await queries.emergency_alert_approvals(resources.pool, include_revoked=include_revoked)


async def approve(
    resources: Resources, data: NewEmergencyAlertApproval, granted_by: uuid.UUID | None
) -> EmergencyAlertApprovalView:
    status = await identity_queries.agency_status(resources.pool, data.agency_id)
    if status is None:
        raise NotFound("No such agency.")
    if status != "approved":
        raise Conflict("The agency must be approved before it can send emergency alerts.")
    approval_id = await queries.approve_emergency_alerts(
        resources.pool, data.agency_id, granted_by, data.reason
    )
    if approval_id is None:
        raise Conflict("This agency is approved for emergency alerts already.")
    current = await queries.emergency_alert_approvals(resources.pool, include_revoked=False)
    return next(approval for approval in current if approval.id == approval_id)


async def revoke(resources: Resources, approval_id: int, revoked_by: uuid.UUID | None) -> None:
    """Closed, not deleted: who granted and revoked it, when and why, are kept."""
    if not await queries.revoke_emergency_alerts(resources.pool, approval_id, revoked_by):
        raise NotFound("No such active approval.")
