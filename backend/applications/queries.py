"""All SQL of applications and documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from backend.core.db import Connection, Db

# --- services ---------------------------------------------------------------------------------

_SERVICE_COLUMNS = """
    s.id, s.agency_id, s.tile_id, s.code, s.form, s.fee_satang, s.biller_id, s.delivery, s.connector_id,
    s.status, s.updated_at, a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en,
    v.title_th, v.title_en, v.description_th, v.description_en, (t.published_version IS NOT NULL
    AND t.retired_at IS NULL AND a.status = 'approved') AS is_published
"""
_SERVICE_FROM = """
    application_services s JOIN agencies a ON a.id = s.agency_id JOIN tiles t ON t.id = s.tile_id
    JOIN tile_versions v ON v.tile_id = t.id AND v.version = coalesce(t.published_version, t.draft_version)
"""


def _service(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    service = dict(row)
    service["form"] = (
        msgspec.json.decode(service["form"]) if isinstance(service["form"], str) else service["form"]
    )
    return service


async def service(db: Db, service_id: int) -> dict[str, Any] | None:
    return _service(
        await db.fetchrow(f"SELECT {_SERVICE_COLUMNS} FROM {_SERVICE_FROM} WHERE s.id = $1", service_id)  # noqa: S608
    )


async def service_for_tile(db: Db, tile_id: int) -> dict[str, Any] | None:
    return _service(
        await db.fetchrow(f"SELECT {_SERVICE_COLUMNS} FROM {_SERVICE_FROM} WHERE s.tile_id = $1", tile_id)  # noqa: S608
    )


async def agency_services(db: Db, agency_id: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"SELECT {_SERVICE_COLUMNS} FROM {_SERVICE_FROM} WHERE s.agency_id = $1 ORDER BY s.code",  # noqa: S608
        agency_id,
    )
    return [service for row in rows if (service := _service(row)) is not None]


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


async def upsert_service(db: Db, agency_id: int, fields: dict[str, Any], updated_by: str | None) -> int:
    service_id: int = await db.fetchval(
        """
        INSERT INTO application_services (agency_id, tile_id, code, form, fee_satang, biller_id, delivery,
                                          connector_id, status, updated_by)
        VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10::uuid)
        ON CONFLICT (agency_id, code) DO UPDATE SET
            tile_id = EXCLUDED.tile_id, form = EXCLUDED.form, fee_satang = EXCLUDED.fee_satang,
            biller_id = EXCLUDED.biller_id, delivery = EXCLUDED.delivery,
            connector_id = EXCLUDED.connector_id,
            status = EXCLUDED.status, updated_by = EXCLUDED.updated_by, updated_at = now()
        RETURNING id
        """,
        agency_id,
        fields["tile_id"],
        fields["code"],
        msgspec.json.encode(fields["form"]).decode(),
        fields["fee_satang"],
        fields["biller_id"],
        fields["delivery"],
        fields["connector_id"],
        fields["status"],
        updated_by,
    )
    return service_id


# --- applications -----------------------------------------------------------------------------

_APPLICATION_COLUMNS = """
    p.id::text, p.tracking_number, p.service_id, p.agency_id, p.citizen_id::text, p.state, p.answers,
    p.pending_request, p.bill_id::text, p.agency_reference, p.created_at, p.updated_at, p.submitted_at,
    s.code AS service_code, s.tile_id, v.title_th, v.title_en, a.code AS agency_code,
    a.name_th AS agency_name_th,
    a.name_en AS agency_name_en, s.fee_satang AS service_fee_satang,
    (SELECT d.id::text FROM documents d WHERE d.application_id = p.id) AS document_id
"""
_APPLICATION_FROM = """
    applications p JOIN application_services s ON s.id = p.service_id JOIN agencies a ON a.id = p.agency_id
    JOIN tiles t ON t.id = s.tile_id
    JOIN tile_versions v ON v.tile_id = t.id AND v.version = coalesce(t.published_version, t.draft_version)
"""


def _application(row: Any) -> dict[str, Any] | None:
    if row is None:
        return None
    found = dict(row)
    if isinstance(found["answers"], str):
        found["answers"] = msgspec.json.decode(found["answers"])
    return found


async def draft_for(db: Db, citizen_id: str, service_id: int) -> str | None:
    found: str | None = await db.fetchval(
        "SELECT id::text FROM applications "
        "WHERE citizen_id = $1::uuid AND service_id = $2 AND state = 'draft'",
        citizen_id,
        service_id,
    )
    return found


async def insert_application(
    connection: Connection, *, tracking_number: str, service_id: int, agency_id: int, citizen_id: str
) -> str | None:
    """The new draft's id; None when the citizen already has a draft of this service."""
    found: str | None = await connection.fetchval(
        """
        INSERT INTO applications (tracking_number, service_id, agency_id, citizen_id)
        VALUES ($1, $2, $3, $4::uuid)
        ON CONFLICT (citizen_id, service_id) WHERE state = 'draft' DO NOTHING
        RETURNING id::text
        """,
        tracking_number,
        service_id,
        agency_id,
        citizen_id,
    )
    return found


async def application(db: Db, application_id: str) -> dict[str, Any] | None:
    return _application(
        await db.fetchrow(
            f"SELECT {_APPLICATION_COLUMNS} FROM {_APPLICATION_FROM} WHERE p.id = $1::uuid",  # noqa: S608
            application_id,
        )
    )


async def lock_application(connection: Connection, application_id: str) -> dict[str, Any] | None:
    await connection.execute("SELECT 1 FROM applications WHERE id = $1::uuid FOR UPDATE", application_id)
    return await application(connection, application_id)


async def application_for_bill(connection: Connection, bill_id: str) -> str | None:
    found: str | None = await connection.fetchval(
        "SELECT id::text FROM applications WHERE bill_id = $1::uuid", bill_id
    )
    return found


async def applications_of_citizen(db: Db, citizen_id: str, limit: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"""SELECT {_APPLICATION_COLUMNS} FROM {_APPLICATION_FROM}
        WHERE p.citizen_id = $1::uuid ORDER BY p.updated_at DESC LIMIT $2""",  # noqa: S608
        citizen_id,
        limit,
    )
    return [found for row in rows if (found := _application(row)) is not None]


async def applications_of_agency(
    db: Db, agency_id: int, state: str | None, before: dt.datetime | None, limit: int
) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"""SELECT {_APPLICATION_COLUMNS}, c.name_th AS applicant_name_th, c.name_en AS applicant_name_en
        FROM {_APPLICATION_FROM} JOIN citizens c ON c.id = p.citizen_id
        WHERE p.agency_id = $1 AND p.state <> 'draft' AND ($2::text IS NULL OR p.state = $2)
          AND ($3::timestamptz IS NULL OR p.submitted_at < $3)
        ORDER BY p.submitted_at DESC LIMIT $4""",  # noqa: S608
        agency_id,
        state,
        before,
        limit,
    )
    return [found for row in rows if (found := _application(row)) is not None]


async def save_answers(connection: Connection, application_id: str, answers: dict[str, Any]) -> dt.datetime:
    saved: dt.datetime = await connection.fetchval(
        "UPDATE applications SET answers = $2::jsonb, updated_at = now() "
        "WHERE id = $1::uuid RETURNING updated_at",
        application_id,
        msgspec.json.encode(answers).decode(),
    )
    return saved


async def move(
    connection: Connection,
    application_id: str,
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
        VALUES ($1::uuid, $2, $3, $4, $5, $6) RETURNING id
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
        WHERE id = $1::uuid AND state = $2 RETURNING 1
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


async def set_bill(connection: Connection, application_id: str, bill_id: str) -> None:
    await connection.execute(
        "UPDATE applications SET bill_id = $2::uuid WHERE id = $1::uuid", application_id, bill_id
    )


async def events(db: Db, application_id: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT id, from_state, to_state, actor_kind, note, at FROM application_events
        WHERE application_id = $1::uuid ORDER BY id
        """,
        application_id,
    )
    return [dict(row) for row in rows]


async def bill_summary(db: Db, bill_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        "SELECT id::text, amount_satang, status, due_date, paid_at FROM bills WHERE id = $1::uuid", bill_id
    )
    return dict(row) if row else None


async def applicant(db: Db, citizen_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT id::text, national_id_hash, national_id_key_id, national_id_ciphertext, name_th, name_en,
               birthdate
        FROM citizens WHERE id = $1::uuid
        """,
        citizen_id,
    )
    return dict(row) if row else None


# --- files ------------------------------------------------------------------------------------

_FILE_COLUMNS = (
    "id::text, application_id::text, field, file_name, content_type, size_bytes, sha256, uploaded_at"
)


async def insert_file(
    connection: Connection, application_id: str, field: str, upload: dict[str, Any]
) -> dict[str, Any]:
    row = await connection.fetchrow(
        f"""
        INSERT INTO application_files (application_id, field, file_name, content_type, size_bytes, sha256)
        VALUES ($1::uuid, $2, $3, $4, $5, $6) RETURNING {_FILE_COLUMNS}
        """,  # noqa: S608
        application_id,
        field,
        upload["name"],
        upload["content_type"],
        upload["size"],
        upload["sha256"],
    )
    assert row is not None
    return dict(row)


async def files(db: Db, application_id: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"SELECT {_FILE_COLUMNS} FROM application_files "  # noqa: S608
        "WHERE application_id = $1::uuid AND removed_at IS NULL ORDER BY uploaded_at",
        application_id,
    )
    return [dict(row) for row in rows]


async def file(db: Db, application_id: str, file_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"SELECT {_FILE_COLUMNS} FROM application_files "  # noqa: S608
        "WHERE application_id = $1::uuid AND id = $2::uuid AND removed_at IS NULL",
        application_id,
        file_id,
    )
    return dict(row) if row else None


async def count_files(db: Db, application_id: str, field: str) -> int:
    found: int = await db.fetchval(
        "SELECT count(*) FROM application_files "
        "WHERE application_id = $1::uuid AND field = $2 AND removed_at IS NULL",
        application_id,
        field,
    )
    return found


async def remove_file(connection: Connection, application_id: str, file_id: str) -> bool:
    return bool(
        await connection.fetchval(
            """
            UPDATE application_files SET removed_at = now()
            WHERE application_id = $1::uuid AND id = $2::uuid AND removed_at IS NULL RETURNING 1
            """,
            application_id,
            file_id,
        )
    )


async def lock_upload_quota(db: Db, citizen_id: str) -> None:
    """Until the transaction ends: one quota check and insert at a time per citizen."""
    await db.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('upload-quota:' || $1::text, 0))", citizen_id
    )


async def held_upload_bytes(db: Db, citizen_id: str, removed_within: dt.timedelta) -> int:
    """Bytes of the citizen's live uploads and of those removed within ``removed_within``."""
    held: int = await db.fetchval(
        """
        SELECT coalesce(sum(f.size_bytes), 0) FROM application_files f
        JOIN applications a ON a.id = f.application_id
        WHERE a.citizen_id = $1::uuid AND (f.removed_at IS NULL OR f.removed_at > now() - $2::interval)
        """,
        citizen_id,
        removed_within,
    )
    return held


async def referenced_files(db: Db, digests: list[str]) -> set[str]:
    """Which of ``digests`` a live upload or an issued document references."""
    rows = await db.fetch(
        """
        SELECT sha256 FROM application_files WHERE sha256 = ANY($1::text[]) AND removed_at IS NULL
        UNION SELECT sha256 FROM documents WHERE sha256 = ANY($1::text[])
        """,
        digests,
    )
    return {row["sha256"] for row in rows}


# --- documents --------------------------------------------------------------------------------

_DOCUMENT_COLUMNS = """
    d.id::text, d.citizen_id::text, d.agency_id, d.application_id::text, d.title_th, d.title_en,
    d.content_type, d.size_bytes, d.sha256, d.verification_code, d.issuer_code, d.issued_at,
    d.signing_key_id, d.signature, d.revoked_at, d.revoked_reason, a.name_th AS agency_name_th,
    a.name_en AS agency_name_en, c.name_th AS holder_name_th, c.name_en AS holder_name_en
"""
_DOCUMENT_FROM = "documents d JOIN agencies a ON a.id = d.agency_id JOIN citizens c ON c.id = d.citizen_id"


async def insert_document(connection: Connection, fields: dict[str, Any]) -> str:
    document_id: str = await connection.fetchval(
        """
        INSERT INTO documents (citizen_id, agency_id, application_id, title_th, title_en, content_type,
                               size_bytes, sha256, verification_code, issuer_code, issued_at,
                               signing_key_id, signature, issued_by, issued_by_client)
        VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::uuid, $15)
        RETURNING id::text
        """,
        fields["citizen_id"],
        fields["agency_id"],
        fields["application_id"],
        fields["title_th"],
        fields["title_en"],
        fields["content_type"],
        fields["size_bytes"],
        fields["sha256"],
        fields["verification_code"],
        fields["issuer_code"],
        fields["issued_at"],
        fields["signing_key_id"],
        fields["signature"],
        fields["issued_by"],
        fields["issued_by_client"],
    )
    return document_id


async def document(db: Db, document_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"SELECT {_DOCUMENT_COLUMNS} FROM {_DOCUMENT_FROM} WHERE d.id = $1::uuid",  # noqa: S608
        document_id,
    )
    return dict(row) if row else None


async def document_by_code(db: Db, code: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"SELECT {_DOCUMENT_COLUMNS} FROM {_DOCUMENT_FROM} WHERE d.verification_code = $1",  # noqa: S608
        code,
    )
    return dict(row) if row else None


async def documents_of_citizen(db: Db, citizen_id: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"SELECT {_DOCUMENT_COLUMNS} FROM {_DOCUMENT_FROM} "  # noqa: S608
        "WHERE d.citizen_id = $1::uuid ORDER BY d.issued_at DESC",
        citizen_id,
    )
    return [dict(row) for row in rows]


# --- shares -----------------------------------------------------------------------------------

_SHARE_COLUMNS = "id::text, document_id::text, created_at, expires_at, opened_at, revoked_at"


async def insert_share(
    connection: Connection, document_id: str, token_hash: bytes, expires_at: dt.datetime
) -> dict[str, Any]:
    row = await connection.fetchrow(
        f"""INSERT INTO document_shares (document_id, token_hash, expires_at) VALUES ($1::uuid, $2, $3)
        RETURNING {_SHARE_COLUMNS}""",  # noqa: S608
        document_id,
        token_hash,
        expires_at,
    )
    assert row is not None
    return dict(row)


async def shares(db: Db, document_id: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"SELECT {_SHARE_COLUMNS} FROM document_shares "  # noqa: S608
        "WHERE document_id = $1::uuid ORDER BY created_at DESC LIMIT 50",
        document_id,
    )
    return [dict(row) for row in rows]


async def revoke_share(connection: Connection, document_id: str, share_id: str) -> bool:
    return bool(
        await connection.fetchval(
            """
            UPDATE document_shares SET revoked_at = now()
            WHERE document_id = $1::uuid AND id = $2::uuid AND revoked_at IS NULL AND opened_at IS NULL
            RETURNING 1
            """,
            document_id,
            share_id,
        )
    )


async def share_by_token(connection: Connection, token_hash: bytes) -> dict[str, Any] | None:
    row = await connection.fetchrow(
        f"SELECT {_SHARE_COLUMNS} FROM document_shares WHERE token_hash = $1 FOR UPDATE",  # noqa: S608
        token_hash,
    )
    return dict(row) if row else None


async def open_share(
    connection: Connection, share_id: str, view_token_hash: bytes, view_expires_at: dt.datetime
) -> bool:
    """Uses the link up; False when it was already used, revoked or has expired."""
    return bool(
        await connection.fetchval(
            """
            UPDATE document_shares SET opened_at = now(), view_token_hash = $2, view_expires_at = $3
            WHERE id = $1::uuid AND opened_at IS NULL AND revoked_at IS NULL AND expires_at > now()
            RETURNING 1
            """,
            share_id,
            view_token_hash,
            view_expires_at,
        )
    )


async def share_by_view_token(db: Db, view_token_hash: bytes) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT id::text, document_id::text FROM document_shares
        WHERE view_token_hash = $1 AND view_expires_at > now() AND revoked_at IS NULL
        """,
        view_token_hash,
    )
    return dict(row) if row else None


async def delivery_target(db: Db, application_id: str) -> dict[str, Any] | None:
    """The application with what sending it needs: its service's connector row and the applicant."""
    row = await db.fetchrow(
        """
        SELECT p.id::text AS application_id, p.tracking_number, p.answers, p.submitted_at, p.agency_id,
               p.citizen_id::text, p.agency_reference, s.code AS service_code, s.connector_id,
               c.national_id_key_id, c.national_id_ciphertext, c.name_th, c.name_en, c.birthdate
        FROM applications p JOIN application_services s ON s.id = p.service_id
        JOIN citizens c ON c.id = p.citizen_id
        WHERE p.id = $1::uuid
        """,
        application_id,
    )
    if row is None:
        return None
    found = dict(row)
    if isinstance(found["answers"], str):
        found["answers"] = msgspec.json.decode(found["answers"])
    return found


async def set_agency_reference(connection: Connection, application_id: str, reference: str) -> None:
    await connection.execute(
        "UPDATE applications SET agency_reference = $2 WHERE id = $1::uuid", application_id, reference
    )


async def cancel_unpaid_bill(connection: Connection, bill_id: str) -> None:
    """A fee the agency no longer asks for can no longer be started: the citizen cannot pay it any
    more (a QR already shown may still be paid; the application stays closed)."""
    await connection.execute(
        "UPDATE bills SET status = 'cancelled' WHERE id = $1::uuid AND status = 'unpaid'", bill_id
    )
