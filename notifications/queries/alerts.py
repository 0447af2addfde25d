"""SQL of emergency-alert approvals: which agencies a platform admin let send the categories that pass
citizens' opt-outs and quiet hours when urgent. Approvals are kept, closed, when revoked."""

from __future__ import annotations

import uuid

import msgspec

from backend.core.db import Db
from notifications.schemas import EmergencyAlertApprovalView


async def approved_for_emergency_alerts(db: Db, agency_id: int) -> bool:
    approved: bool = await db.fetchval(
        "SELECT EXISTS (SELECT 1 FROM emergency_alert_approvals WHERE agency_id = $1 AND revoked_at IS NULL)",
        agency_id,
    )
    return approved


async def approve_emergency_alerts(
    db: Db, agency_id: int, granted_by: uuid.UUID | None, reason: str
) -> int | None:
    """The new approval's id; None when the agency is approved already."""
    approval_id: int | None = await db.fetchval(
        """
        INSERT INTO emergency_alert_approvals (agency_id, granted_by, grant_reason)
        VALUES ($1, $2, $3)
        ON CONFLICT (agency_id) WHERE revoked_at IS NULL DO NOTHING
        RETURNING id
        """,
        agency_id,
        granted_by,
        reason,
    )
    return approval_id


async def revoke_emergency_alerts(db: Db, approval_id: int, revoked_by: uuid.UUID | None) -> bool:
    result: str = await db.execute(
        "UPDATE emergency_alert_approvals SET revoked_at = now(), revoked_by = $2 "
        "WHERE id = $1 AND revoked_at IS NULL",
        approval_id,
        revoked_by,
    )
    return result.endswith(" 1")


async def emergency_alert_approvals(db: Db, *, include_revoked: bool) -> list[EmergencyAlertApprovalView]:
    rows = await db.fetch(
        """
        SELECT e.id, e.agency_id, a.code AS agency_code, a.name_th AS agency_name_th,
               a.name_en AS agency_name_en, e.granted_by, e.granted_at, e.grant_reason,
               e.revoked_by, e.revoked_at
        FROM emergency_alert_approvals e JOIN agencies a ON a.id = e.agency_id
        WHERE $1 OR e.revoked_at IS NULL
        ORDER BY e.granted_at DESC, e.id DESC
        """,
        include_revoked,
    )
    return [msgspec.convert(dict(row), EmergencyAlertApprovalView) for row in rows]
