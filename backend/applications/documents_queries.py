"""All SQL of issued documents and their share links (the wallet)."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.applications.rows import DocumentRow, NewDocumentRow, ShareRow, ShareViewing
from backend.core.db import Connection, Db

_DOCUMENT_COLUMNS = """
    d.id, d.citizen_id, d.agency_id, d.application_id, d.title_th, d.title_en,
    d.content_type, d.size_bytes, d.sha256, d.verification_code, d.issuer_code, d.issued_at,
    d.signing_key_id, d.signature, d.revoked_at, d.revoked_reason, a.name_th AS agency_name_th,
    a.name_en AS agency_name_en, c.name_th AS holder_name_th, c.name_en AS holder_name_en
"""
_DOCUMENT_FROM = "documents d JOIN agencies a ON a.id = d.agency_id JOIN citizens c ON c.id = d.citizen_id"


async def insert_document(connection: Connection, new: NewDocumentRow) -> uuid.UUID:
    document_id: uuid.UUID = await connection.fetchval(
        """
        INSERT INTO documents (citizen_id, agency_id, application_id, title_th, title_en, content_type,
                               size_bytes, sha256, verification_code, issuer_code, issued_at,
                               signing_key_id, signature, issued_by, issued_by_client)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
        RETURNING id
        """,
        new.citizen_id,
        new.agency_id,
        new.application_id,
        new.title_th,
        new.title_en,
        new.content_type,
        new.size_bytes,
        new.sha256,
        new.verification_code,
        new.issuer_code,
        new.issued_at,
        new.signing_key_id,
        new.signature,
        new.issued_by,
        new.issued_by_client,
    )
    return document_id


async def document(db: Db, document_id: uuid.UUID) -> DocumentRow | None:
    row = await db.fetchrow(
        f"SELECT {_DOCUMENT_COLUMNS} FROM {_DOCUMENT_FROM} WHERE d.id = $1",  # noqa: S608
        document_id,
    )
    return msgspec.convert(dict(row), DocumentRow) if row else None


async def document_by_code(db: Db, code: str) -> DocumentRow | None:
    row = await db.fetchrow(
        f"SELECT {_DOCUMENT_COLUMNS} FROM {_DOCUMENT_FROM} WHERE d.verification_code = $1",  # noqa: S608
        code,
    )
    return msgspec.convert(dict(row), DocumentRow) if row else None


async def documents_of_citizen(db: Db, citizen_id: uuid.UUID) -> list[DocumentRow]:
    rows = await db.fetch(
        f"SELECT {_DOCUMENT_COLUMNS} FROM {_DOCUMENT_FROM} "  # noqa: S608
        "WHERE d.citizen_id = $1 ORDER BY d.issued_at DESC",
        citizen_id,
    )
    return [msgspec.convert(dict(row), DocumentRow) for row in rows]


# --- shares -----------------------------------------------------------------------------------

_SHARE_COLUMNS = "id, document_id, created_at, expires_at, opened_at, revoked_at"


async def insert_share(
    connection: Connection, document_id: uuid.UUID, token_hash: bytes, expires_at: dt.datetime
) -> ShareRow:
    row = await connection.fetchrow(
        f"""INSERT INTO document_shares (document_id, token_hash, expires_at) VALUES ($1, $2, $3)
        RETURNING {_SHARE_COLUMNS}""",  # noqa: S608
        document_id,
        token_hash,
        expires_at,
    )
    assert row is not None
    return msgspec.convert(dict(row), ShareRow)


async def shares(db: Db, document_id: uuid.UUID) -> list[ShareRow]:
    rows = await db.fetch(
        f"SELECT {_SHARE_COLUMNS} FROM document_shares "  # noqa: S608
        "WHERE document_id = $1 ORDER BY created_at DESC LIMIT 50",
        document_id,
    )
    return [msgspec.convert(dict(row), ShareRow) for row in rows]


async def revoke_share(db: Db, document_id: uuid.UUID, share_id: uuid.UUID) -> bool:
    return bool(
        await db.fetchval(
            """
            UPDATE document_shares SET revoked_at = now()
            WHERE document_id = $1 AND id = $2 AND revoked_at IS NULL AND opened_at IS NULL
            RETURNING 1
            """,
            document_id,
            share_id,
        )
    )


async def share_by_token(connection: Connection, token_hash: bytes) -> ShareRow | None:
    row = await connection.fetchrow(
        f"SELECT {_SHARE_COLUMNS} FROM document_shares WHERE token_hash = $1 FOR UPDATE",  # noqa: S608
        token_hash,
    )
    return msgspec.convert(dict(row), ShareRow) if row else None


async def open_share(
    connection: Connection, share_id: uuid.UUID, view_token_hash: bytes, view_expires_at: dt.datetime
) -> bool:
    """Uses the link up; False when it was already used, revoked or has expired."""
    return bool(
        await connection.fetchval(
            """
            UPDATE document_shares SET opened_at = now(), view_token_hash = $2, view_expires_at = $3
            WHERE id = $1 AND opened_at IS NULL AND revoked_at IS NULL AND expires_at > now()
            RETURNING 1
            """,
            share_id,
            view_token_hash,
            view_expires_at,
        )
    )


async def share_by_view_token(db: Db, view_token_hash: bytes) -> ShareViewing | None:
    row = await db.fetchrow(
        """
        SELECT id, document_id FROM document_shares
        WHERE view_token_hash = $1 AND view_expires_at > now() AND revoked_at IS NULL
        """,
        view_token_hash,
    )
    return msgspec.convert(dict(row), ShareViewing) if row else None
