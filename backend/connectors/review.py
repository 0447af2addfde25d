"""Review of connectors before they reach citizens: every citizen's entitlements page calls each live
connector with the citizen's national ID, so a new connector, and a change to where a live one sends
that ID, why, what comes back or what consent it needs, waits for a platform admin. Meanwhile the
approved version keeps serving."""

from __future__ import annotations

from backend.connectors import queries, review_queries
from backend.connectors.client import forget_token
from backend.connectors.entitlements import EntitlementsService
from backend.connectors.schemas import (
    ConnectorReturn,
    ConnectorReview,
    ConnectorRow,
    NewConnector,
    ReviewedTerms,
)
from backend.core.errors import NotFound
from backend.core.principal import Principal
from backend.core.resources import Resources

REVIEWED_FIELDS = tuple(name for name in ReviewedTerms.__struct_fields__ if not name.startswith("title_"))
"""A change to any of these sends a live connector back to review (its titles are only labels)."""

CONSENT_TERMS = ("purpose_th", "purpose_en", "fields_th", "fields_en", "consent_days")
"""A consent was given for what the connector said then; a change to these ends it."""


def needs_review(data: NewConnector, current: ConnectorRow) -> bool:
    return any(getattr(data, name) != getattr(current, name) for name in REVIEWED_FIELDS)


def held_for_review(data: NewConnector, current: ConnectorRow) -> bool:
    """A live connector's reviewed change waits beside it instead of replacing it."""
    return current.status == "active" and needs_review(data, current)


def status_after_change(data: NewConnector, current: ConnectorRow) -> str:
    """For a change applied in place: back on when approved before and nothing reviewed changed,
    else (a new connector, or a disabled one pointed elsewhere) waiting for review."""
    if current.approved_at is not None and not needs_review(data, current):
        return "active"
    return "pending"


def consent_ends(data: NewConnector | ConnectorRow, current: ConnectorRow) -> bool:
    changed = any(getattr(data, name) != getattr(current, name) for name in CONSENT_TERMS)
    return changed or (data.consent_required and not current.consent_required)


async def in_review(resources: Resources) -> list[ConnectorReview]:
    return await review_queries.in_review(resources.pool)


async def _waiting(resources: Resources, connector_id: int) -> ConnectorReview:
    found = await review_queries.in_review(resources.pool, connector_id)
    if not found:
        raise NotFound("No connector or change of that id is waiting for review.")
    return found[0]


async def _row(resources: Resources, review: ConnectorReview) -> ConnectorRow:
    [row] = await queries.connectors_of(resources.pool, review.agency_id, review.connector_id)
    return row


async def approve(
    resources: Resources, entitlements: EntitlementsService, connector_id: int, principal: Principal
) -> ConnectorReview:
    """Puts the connector live, or its proposed version in place of the live one."""
    review = await _waiting(resources, connector_id)
    async with resources.pool.acquire() as connection, connection.transaction():
        if review.kind == "new":
            await review_queries.approve_new(connection, connector_id, principal.citizen_id)
        else:
            before = await _row(resources, review)
            await review_queries.apply_change(connection, connector_id, principal.citizen_id)
            [after] = await queries.connectors_of(connection, review.agency_id, connector_id)
            if consent_ends(after, before):
                await queries.withdraw_all_consents(connection, connector_id)
    # An OAuth token got with the old settings is not sent to the new ones.
    await forget_token(resources.redis, connector_id)
    await entitlements.connectors_changed()
    return review


async def send_back(resources: Resources, connector_id: int, decision: ConnectorReturn) -> ConnectorReview:
    """Returns it to the agency with the reviewer's comment; a live connector keeps serving as it was."""
    review = await _waiting(resources, connector_id)
    if review.kind == "new":
        await review_queries.return_new(resources.pool, connector_id, decision.comment)
    else:
        await review_queries.return_change(resources.pool, connector_id, decision.comment)
    return review
