"""Connectors, citizens' consents to them, and records in "who accessed my data"."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from backend.connectors import queries as connector_queries
from backend.connectors import review_queries
from backend.connectors.schemas import ConnectorRow, ConsentView, NewConnector
from backend.core.db import Db, Pool
from tests.factories._ids import Id, as_uuid
from tests.factories._numbers import next_number


async def make_connector(
    db: Db,
    agency_id: int,
    *,
    base_url: str = "https://agency.example.go.th/api",
    name: str | None = None,
    status: Literal["pending", "active", "disabled"] = "active",
    consent_required: bool = False,
    min_age: int | None = None,
    max_age: int | None = None,
) -> ConnectorRow:
    """A connector without credentials (``auth_kind`` none), registered as an agency registers one and,
    unless ``pending``, approved as a platform admin approves one."""
    number = next_number()
    connector_id = await connector_queries.register_connector(
        db,
        agency_id,
        NewConnector(
            name=name or f"connector-{number}",
            title_th=f"สิทธิทดสอบ {number}",
            title_en=f"Test rights {number}",
            base_url=base_url,
            auth_kind="none",
            consent_required=consent_required,
            purpose_th="แสดงสิทธิของคุณในแอป",
            purpose_en="Show you your rights in the app",
            fields_th=["สถานะ"],
            fields_en=["status"],
            min_age=min_age,
            max_age=max_age,
        ),
        None,
        None,
        None,
    )
    assert connector_id is not None, "the agency already has a connector of that name"
    if status != "pending":
        await review_queries.approve_new(db, connector_id, None)
    if status == "disabled":
        await connector_queries.set_connector_status(db, agency_id, connector_id, status)
    [row] = await connector_queries.connectors_of(db, agency_id, connector_id)
    return row


async def make_consent(pool: Pool, citizen_id: Id, connector: ConnectorRow) -> ConsentView:
    """The citizen's live consent to the connector, for its purpose and duration as they read now."""
    async with pool.acquire() as connection, connection.transaction():
        return await connector_queries.grant_consent(connection, as_uuid(citizen_id), connector)


class AccessRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    citizen_id: str
    agency_id: int | None
    connector_id: int | None
    kind: str
    actor_kind: str
    actor_id: str | None
    purpose_th: str
    purpose_en: str
    outcome: str
    at: dt.datetime


async def make_access_record(
    db: Db,
    citizen_id: Id,
    *,
    kind: Literal["agency_call", "staff_lookup", "document_share"] = "agency_call",
    agency_id: int | None = None,
    connector_id: int | None = None,
    actor_kind: Literal["citizen", "staff", "system", "share_recipient"] = "system",
    actor_id: str | None = None,
    outcome: str = "ok",
) -> AccessRecord:
    """One entry of the citizen's data-access record, as the connectors' calls and staff looks write one."""
    row = await db.fetchrow(
        """
        INSERT INTO data_access_log (citizen_id, agency_id, connector_id, kind, actor_kind, actor_id,
                                     purpose_th, purpose_en, fields_th, fields_en, outcome)
        VALUES ($1::uuid, $2, $3, $4, $5, $6, 'ทดสอบ', 'A test', '{}', '{}', $7)
        RETURNING id, citizen_id::text, agency_id, connector_id, kind, actor_kind, actor_id, purpose_th,
                  purpose_en, outcome, at
        """,
        citizen_id,
        agency_id,
        connector_id,
        kind,
        actor_kind,
        actor_id,
        outcome,
    )
    assert row is not None
    return AccessRecord(**row)
