"""All SQL of application services, applications and their timelines (files: ``files_queries.py``;
documents and share links: ``documents_queries.py``)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from backend.applications.rows import (
    AgencyApplicationRow,
    ApplicantRow,
    ApplicationRow,
    DeliveryTarget,
    ServiceRow,
)
from backend.applications.schemas import EventView, FeeBill, ServiceDefinition
from backend.core.db import Connection, Db
from backend.core.jsontypes import JsonObject

# --- services ---------------------------------------------------------------------------------

_SERVICE_COLUMNS = """
    s.id, s.agency_id, s.tile_id, s.code, s.form, s.fee_satang, s.biller_id, s.delivery, s.connector_id,
    s.status, s.start_page, s.updated_at, a.code AS agency_code, a.name_th AS agency_name_th,
    a.name_en AS agency_name_en,
    v.title_th, v.title_en, v.description_th, v.description_en, (t.published_version IS NOT NULL
    AND t.retired_at IS NULL AND a.status = 'approved') AS is_published
"""
_SERVICE_FROM = """
    application_services s JOIN agencies a ON a.id = s.agency_id JOIN tiles t ON t.id = s.tile_id
    JOIN tile_versions v ON v.tile_id = t.id AND v.version = coalesce(t.published_version, t.draft_version)
"""


def _service(row: Any) -> ServiceRow:
    found = dict(row)
    for column in ("form", "start_page"):
        if isinstance(found[column], str):
            found[column] = msgspec.json.decode(found[column])
    return msgspec.convert(found, ServiceRow)


async def service(db: Db, service_id: int) -> ServiceRow | None:
    row = await db.fetchrow(f"SELECT {_SERVICE_COLUMNS} FROM {_SERVICE_FROM} WHERE s.id = $1", service_id)  # noqa: S608
    return _service(row) if row else None


async def service_for_tile(db: Db, tile_id: int) -> ServiceRow | None:
    row = await db.fetchrow(f"SELECT {_SERVICE_COLUMNS} FROM {_SERVICE_FROM} WHERE s.tile_id = $1", tile_id)  # noqa: S608
    return _service(row) if row else None


async def agency_services(db: Db, agency_id: int) -> list[ServiceRow]:
    rows = await db.fetch(
        f"SELECT {_SERVICE_COLUMNS} FROM {_SERVICE_FROM} WHERE s.agency_id = $1 ORDER BY s.code",  # noqa: S608
        agency_id,
    )
    return [_service(row) for row in rows]


async def tile_owner_and_kind(db: Db, tile_id: int) -> tuple[int, str] | None:
    row = await db.fetchrow(
        """
        SELECT t.agency_id, v.kind FROM tiles t
        JOIN tile_versions v
          ON v.tile_id = t.id AND v.version = coalesce(t.draft_version, t.published_version)
        WHERE t.id = $1
        """,
        tile_id,
    )
    return (row["agency_id"], row["kind"]) if row else None


async def upsert_service(
    db: Db, agency_id: int, code: str, definition: ServiceDefinition, updated_by: uuid.UUID | None
) -> int:
    service_id: int = await db.fetchval(
        """
        INSERT INTO application_services (agency_id, tile_id, code, form, fee_satang, biller_id, delivery,
                                          connector_id, status, updated_by, start_page)
        VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11::jsonb)
        ON CONFLICT (agency_id, code) DO UPDATE SET
            tile_id = EXCLUDED.tile_id, form = EXCLUDED.form, fee_satang = EXCLUDED.fee_satang,
            biller_id = EXCLUDED.biller_id, delivery = EXCLUDED.delivery,
            connector_id = EXCLUDED.connector_id,
            status = EXCLUDED.status, updated_by = EXCLUDED.updated_by, updated_at = now(),
            start_page = EXCLUDED.start_page
        RETURNING id
        """,
        agency_id,
        definition.tile_id,
        code,
        msgspec.json.encode(definition.form).decode(),
        definition.fee_satang,
        definition.biller_id,
        definition.delivery,
        definition.connector_id,
        definition.status,
        updated_by,
        None if definition.start_page is None else msgspec.json.encode(definition.start_page).decode(),
    )
    return service_id


# --- applications -----------------------------------------------------------------------------

_APPLICATION_COLUMNS = """
    p.id, p.tracking_number, p.service_id, p.agency_id, p.citizen_id, p.state, p.answers,
    p.invalid_answers,
    p.pending_request, p.bill_id, p.agency_reference, p.created_at, p.updated_at, p.submitted_at,
    s.code AS service_code, s.tile_id, v.title_th, v.title_en, a.code AS agency_code,
    a.name_th AS agency_name_th, a.name_en AS agency_name_en, s.fee_satang AS service_fee_satang,
    (SELECT d.id FROM documents d WHERE d.application_id = p.id) AS document_id
"""
_APPLICATION_FROM = """
    applications p JOIN application_services s ON s.id = p.service_id JOIN agencies a ON a.id = p.agency_id
    JOIN tiles t ON t.id = s.tile_id
    JOIN tile_versions v ON v.tile_id = t.id AND v.version = coalesce(t.published_version, t.draft_version)
"""


def _decoded(row: Any) -> JsonObject:
    found = dict(row)
    for column in ("answers", "invalid_answers"):
        if isinstance(found.get(column), str):
            found[column] = msgspec.json.decode(found[column])
    return found


async def draft_for(db: Db, citizen_id: uuid.UUID, service_id: int) -> uuid.UUID | None:
    found: uuid.UUID | None = await db.fetchval(
        "SELECT id FROM applications WHERE citizen_id = $1 AND service_id = $2 AND state = 'draft'",
        citizen_id,
        service_id,
    )
    return found


async def insert_application(
    connection: Connection, *, tracking_number: str, service_id: int, agency_id: int, citizen_id: uuid.UUID
) -> uuid.UUID | None:
    """The new draft's id; None when the citizen already has a draft of this service."""
    found: uuid.UUID | None = await connection.fetchval(
        """
        INSERT INTO applications (tracking_number, service_id, agency_id, citizen_id)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (citizen_id, service_id) WHERE state = 'draft' DO NOTHING
        RETURNING id
        """,
        tracking_number,
        service_id,
        agency_id,
        citizen_id,
    )
    return found


async def application(db: Db, application_id: uuid.UUID) -> ApplicationRow | None:
    row = await db.fetchrow(
        f"SELECT {_APPLICATION_COLUMNS} FROM {_APPLICATION_FROM} WHERE p.id = $1",  # noqa: S608
        application_id,
    )
    return msgspec.convert(_decoded(row), ApplicationRow) if row else None


async def lock_application(connection: Connection, application_id: uuid.UUID) -> ApplicationRow | None:
    await connection.execute("SELECT 1 FROM applications WHERE id = $1 FOR UPDATE", application_id)
    return await application(connection, application_id)


async def application_for_bill(connection: Connection, bill_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await connection.fetchval(
        "SELECT id FROM applications WHERE bill_id = $1", bill_id
    )
    return found


async def applications_of_citizen(db: Db, citizen_id: uuid.UUID, limit: int) -> list[ApplicationRow]:
    rows = await db.fetch(
        f"""SELECT {_APPLICATION_COLUMNS} FROM {_APPLICATION_FROM}
        WHERE p.citizen_id = $1 AND p.state <> 'discarded' ORDER BY p.updated_at DESC LIMIT $2""",  # noqa: S608
        citizen_id,
        limit,
    )
    return [msgspec.convert(_decoded(row), ApplicationRow) for row in rows]


async def applications_of_agency(
    db: Db, agency_id: int, state: str | None, before: dt.datetime | None, limit: int
) -> list[AgencyApplicationRow]:
    rows = await db.fetch(
        f"""SELECT {_APPLICATION_COLUMNS}, c.name_th AS applicant_name_th, c.name_en AS applicant_name_en
        FROM {_APPLICATION_FROM} JOIN citizens c ON c.id = p.citizen_id
        WHERE p.agency_id = $1 AND p.state NOT IN ('draft', 'discarded')
          AND ($2::text IS NULL OR p.state = $2)
          AND ($3::timestamptz IS NULL OR p.submitted_at < $3)
        ORDER BY p.submitted_at DESC LIMIT $4""",  # noqa: S608
        agency_id,
        state,
        before,
        limit,
    )
    return [msgspec.convert(_decoded(row), AgencyApplicationRow) for row in rows]


async def save_answers(
    connection: Connection,
    application_id: uuid.UUID,
    answers: JsonObject,
    invalid_answers: JsonObject | None = None,
) -> dt.datetime:
    """The checked answers, and those kept as typed that do not fit yet (None: left as they are)."""
    saved: dt.datetime = await connection.fetchval(
        "UPDATE applications SET answers = $2::jsonb, "
        "invalid_answers = coalesce($3::jsonb, invalid_answers), updated_at = now() "
        "WHERE id = $1 RETURNING updated_at",
        application_id,
        msgspec.json.encode(answers).decode(),
        None if invalid_answers is None else msgspec.json.encode(invalid_answers).decode(),
    )
    return saved


async def forget_answers(connection: Connection, application_id: uuid.UUID) -> None:
    """A discarded draft keeps none of what was typed."""
    await connection.execute(
        "UPDATE applications SET answers = '{}', invalid_answers = '{}', updated_at = now() WHERE id = $1",
        application_id,
    )


async def move(
    connection: Connection,
    application_id: uuid.UUID,
    *,
    from_state: str,
    to_state: str,
    actor_kind: str,
    actor_id: str | None,
    note: str | None,
) -> int | None:
    """The event's id, or None when the application is no longer in ``from_state``. An illegal move
    raises asyncpg's ForeignKeyViolationError (the transitions table)."""
    event_id: int = await connection.fetchval(
        """
        INSERT INTO application_events (application_id, from_state, to_state, actor_kind, actor_id, note)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
        """,
        application_id,
        from_state,
        to_state,
        actor_kind,
        actor_id,
        note,
    )
    moved = await connection.fetchval(
        """
        UPDATE applications SET state = $3, updated_at = now(),
            submitted_at = CASE WHEN $3 = 'submitted' THEN now() ELSE submitted_at END,
            pending_request = CASE WHEN $3 = 'more_information_requested' THEN $4 ELSE NULL END
        WHERE id = $1 AND state = $2 RETURNING 1
        """,
        application_id,
        from_state,
        to_state,
        note,
    )
    return event_id if moved else None


async def next_states(db: Db, state: str, actor_kind: str) -> list[str]:
    rows = await db.fetch(
        "SELECT to_state FROM application_transitions "
        "WHERE from_state = $1 AND actor_kind = $2 ORDER BY to_state",
        state,
        actor_kind,
    )
    return [row["to_state"] for row in rows]


async def set_bill(connection: Connection, application_id: uuid.UUID, bill_id: uuid.UUID) -> None:
    await connection.execute("UPDATE applications SET bill_id = $2 WHERE id = $1", application_id, bill_id)


async def events(db: Db, application_id: uuid.UUID) -> list[EventView]:
    rows = await db.fetch(
        """
        SELECT id, from_state, to_state, actor_kind, note, at FROM application_events
        WHERE application_id = $1 ORDER BY id
        """,
        application_id,
    )
    return [msgspec.convert(dict(row), EventView) for row in rows]


async def bill_summary(db: Db, bill_id: uuid.UUID) -> FeeBill | None:
    row = await db.fetchrow(
        "SELECT id, amount_satang, status, due_date, paid_at FROM bills WHERE id = $1", bill_id
    )
    return msgspec.convert(dict(row), FeeBill) if row else None


async def applicant(db: Db, citizen_id: uuid.UUID) -> ApplicantRow | None:
    row = await db.fetchrow(
        """
        SELECT id, national_id_hash, national_id_key_id, national_id_ciphertext, name_th, name_en,
               birthdate
        FROM citizens WHERE id = $1
        """,
        citizen_id,
    )
    return msgspec.convert(dict(row), ApplicantRow) if row else None


async def delivery_target(db: Db, application_id: uuid.UUID) -> DeliveryTarget | None:
    """The application with what sending it needs: its service's connector and the applicant."""
    row = await db.fetchrow(
        """
        SELECT p.id AS application_id, p.tracking_number, p.answers, p.submitted_at, p.agency_id,
               p.citizen_id, p.agency_reference, s.code AS service_code, s.connector_id,
               c.national_id_key_id, c.national_id_ciphertext, c.name_th, c.name_en, c.birthdate
        FROM applications p JOIN application_services s ON s.id = p.service_id
        JOIN citizens c ON c.id = p.citizen_id
        WHERE p.id = $1
        """,
        application_id,
    )
    return msgspec.convert(_decoded(row), DeliveryTarget) if row else None


async def set_agency_reference(connection: Connection, application_id: uuid.UUID, reference: str) -> None:
    await connection.execute(
        "UPDATE applications SET agency_reference = $2 WHERE id = $1", application_id, reference
    )
