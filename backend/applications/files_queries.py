"""All SQL of citizens' uploaded files: the application's files, the upload quota and what the collector
may remove."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.applications.files import CheckedUpload
from backend.applications.schemas import FileView
from backend.core.db import Connection, Db

_FILE_COLUMNS = "id, field, reply_event_id, file_name, content_type, size_bytes, sha256, uploaded_at"


async def insert_file(
    connection: Connection, application_id: uuid.UUID, field: str | None, upload: CheckedUpload
) -> FileView:
    """``field`` None: a file for a reply to the agency."""
    row = await connection.fetchrow(
        f"""
        INSERT INTO application_files (application_id, field, file_name, content_type, size_bytes, sha256)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_FILE_COLUMNS}
        """,  # noqa: S608
        application_id,
        field,
        upload.name,
        upload.content_type,
        upload.size,
        upload.sha256,
    )
    assert row is not None
    return msgspec.convert(dict(row), FileView)


async def files(db: Db, application_id: uuid.UUID) -> list[FileView]:
    rows = await db.fetch(
        f"SELECT {_FILE_COLUMNS} FROM application_files "  # noqa: S608
        "WHERE application_id = $1 AND removed_at IS NULL ORDER BY uploaded_at",
        application_id,
    )
    return [msgspec.convert(dict(row), FileView) for row in rows]


async def file(db: Db, application_id: uuid.UUID, file_id: uuid.UUID) -> FileView | None:
    row = await db.fetchrow(
        f"SELECT {_FILE_COLUMNS} FROM application_files "  # noqa: S608
        "WHERE application_id = $1 AND id = $2 AND removed_at IS NULL",
        application_id,
        file_id,
    )
    return msgspec.convert(dict(row), FileView) if row else None


async def count_files(db: Db, application_id: uuid.UUID, field: str) -> int:
    found: int = await db.fetchval(
        "SELECT count(*) FROM application_files "
        "WHERE application_id = $1 AND field = $2 AND removed_at IS NULL",
        application_id,
        field,
    )
    return found


async def remove_file(connection: Connection, application_id: uuid.UUID, file_id: uuid.UUID) -> bool:
    return bool(
        await connection.fetchval(
            """
            UPDATE application_files SET removed_at = now()
            WHERE application_id = $1 AND id = $2 AND removed_at IS NULL
              AND reply_event_id IS NULL RETURNING 1
            """,
            application_id,
            file_id,
        )
    )


async def remove_all_files(connection: Connection, application_id: uuid.UUID) -> None:
    """A discarded draft's files: removed, so they count against the quota until the collector runs."""
    await connection.execute(
        "UPDATE application_files SET removed_at = now() WHERE application_id = $1 AND removed_at IS NULL",
        application_id,
    )


async def count_reply_files(db: Db, application_id: uuid.UUID) -> int:
    """Files waiting in the reply form (uploaded for a reply not sent yet)."""
    found: int = await db.fetchval(
        "SELECT count(*) FROM application_files WHERE application_id = $1 AND field IS NULL "
        "AND reply_event_id IS NULL AND removed_at IS NULL",
        application_id,
    )
    return found


async def attach_to_reply(
    connection: Connection, application_id: uuid.UUID, file_ids: list[uuid.UUID], event_id: int
) -> int:
    """The waiting reply files among ``file_ids`` now belong to the reply's event; how many did."""
    rows = await connection.fetch(
        """
        UPDATE application_files SET reply_event_id = $3
        WHERE application_id = $1 AND id = ANY($2::uuid[]) AND field IS NULL
          AND reply_event_id IS NULL AND removed_at IS NULL
        RETURNING id
        """,
        application_id,
        file_ids,
        event_id,
    )
    return len(rows)


async def lock_upload_quota(db: Db, citizen_id: uuid.UUID) -> None:
    """Until the transaction ends: one quota check and insert at a time per citizen."""
    await db.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('upload-quota:' || $1::uuid::text, 0))", citizen_id
    )


async def held_upload_bytes(db: Db, citizen_id: uuid.UUID, removed_within: dt.timedelta) -> int:
    """Bytes of the citizen's live uploads and of those removed within ``removed_within``."""
    held: int = await db.fetchval(
        """
        SELECT coalesce(sum(f.size_bytes), 0) FROM application_files f
        JOIN applications a ON a.id = f.application_id
        WHERE a.citizen_id = $1 AND (f.removed_at IS NULL OR f.removed_at > now() - $2::interval)
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
