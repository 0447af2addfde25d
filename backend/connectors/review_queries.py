"""SQL of the connectors' review: changes to live connectors waiting in ``connector_changes``, the
queue platform admins work through, and their decisions."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from backend.connectors.queries import WRITABLE_COLUMNS, _writable
from backend.connectors.schemas import (
    ChangeInReview,
    ConnectorReview,
    NewConnector,
    ProposedConnector,
    ReviewedTerms,
)
from backend.core.db import Connection, Db

_REVIEWED = tuple(ReviewedTerms.__struct_fields__)


async def propose_change(
    db: Db,
    connector_id: int,
    data: NewConnector,
    secret_key_id: str | None,
    secret_ciphertext: bytes | None,
    submitted_by: uuid.UUID | None,
    client: str | None = None,
) -> None:
    """Stores the agency's new version beside the live one, replacing any earlier proposal."""
    columns = ", ".join(WRITABLE_COLUMNS)
    placeholders = ", ".join(f"${i}" for i in range(4, 4 + len(WRITABLE_COLUMNS)))
    updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in WRITABLE_COLUMNS)
    await db.execute(
        f"""
        INSERT INTO connector_changes (connector_id, submitted_by, submitted_by_client, {columns})
        VALUES ($1, $2, $3, {placeholders})
        ON CONFLICT (connector_id) DO UPDATE SET {updates}, submitted_by = EXCLUDED.submitted_by,
            submitted_by_client = EXCLUDED.submitted_by_client,
            submitted_at = now(), review_comment = NULL
        """,  # noqa: S608 (column names are constants)
        connector_id,
        submitted_by,
        client,
        *_writable(data, secret_key_id, secret_ciphertext),
    )


_PROPOSED = tuple(ProposedConnector.__struct_fields__)


async def changes_of(db: Db, agency_id: int) -> dict[int, ChangeInReview]:
    """Each waiting change with its values (its secret stays sealed in the table)."""
    columns = ", ".join(f"x.{name}" for name in _PROPOSED)
    rows = await db.fetch(
        f"SELECT x.connector_id, x.submitted_at, x.review_comment, {columns} FROM connector_changes x "  # noqa: S608 (column names are constants)
        "JOIN connectors c ON c.id = x.connector_id WHERE c.agency_id = $1",
        agency_id,
    )
    return {
        row["connector_id"]: ChangeInReview(
            submitted_at=row["submitted_at"],
            review_comment=row["review_comment"],
            proposed=msgspec.convert({name: row[name] for name in _PROPOSED}, ProposedConnector),
        )
        for row in rows
    }


def _terms(row: Any, prefix: str) -> ReviewedTerms:
    return msgspec.convert({name: row[prefix + name] for name in _REVIEWED}, ReviewedTerms)


async def in_review(db: Db, connector_id: int | None = None) -> list[ConnectorReview]:
    """New connectors and changes to live ones that no one has decided on yet, oldest first."""
    live = ", ".join(f"c.{name} AS live_{name}" for name in _REVIEWED)
    proposed = ", ".join(
        f"CASE WHEN x.connector_id IS NULL THEN c.{name} ELSE x.{name} END AS new_{name}"
        for name in _REVIEWED
    )
    rows = await db.fetch(
        f"""
        SELECT c.id, c.agency_id, a.name_th AS agency_name_th, a.name_en AS agency_name_en, c.name,
               x.connector_id IS NOT NULL AS is_change,
               coalesce(x.submitted_at, c.submitted_at) AS submitted_at,
               s.name_th AS submitted_by_th, s.name_en AS submitted_by_en, k.name AS submitted_by_client,
               {live}, {proposed}
        FROM connectors c
        JOIN agencies a ON a.id = c.agency_id
        LEFT JOIN connector_changes x ON x.connector_id = c.id AND x.review_comment IS NULL
        LEFT JOIN citizens s
            ON s.id = CASE WHEN x.connector_id IS NULL THEN c.created_by ELSE x.submitted_by END
        LEFT JOIN agency_clients k
            ON k.client_id
                = CASE WHEN x.connector_id IS NULL THEN c.created_by_client ELSE x.submitted_by_client END
        WHERE (c.status = 'pending' OR x.connector_id IS NOT NULL) AND ($1::bigint IS NULL OR c.id = $1)
        ORDER BY 7, c.id
        """,  # noqa: S608 (column names are constants)
        connector_id,
    )
    return [_review(row) for row in rows]


def _review(row: Any) -> ConnectorReview:
    return ConnectorReview(
        connector_id=row["id"], agency_id=row["agency_id"], agency_name_th=row["agency_name_th"],
        agency_name_en=row["agency_name_en"], name=row["name"],
        kind="change" if row["is_change"] else "new", submitted_by_th=row["submitted_by_th"],
        submitted_by_en=row["submitted_by_en"], submitted_by_client=row["submitted_by_client"],
        submitted_at=row["submitted_at"],
        proposed=_terms(row, "new_"), live=_terms(row, "live_") if row["is_change"] else None,
    )  # fmt: skip


async def approve_new(db: Db, connector_id: int, approved_by: uuid.UUID | None) -> None:
    await db.execute(
        "UPDATE connectors SET status = 'active', approved_at = now(), approved_by = $2, "
        "review_comment = NULL, updated_at = now() WHERE id = $1 AND status = 'pending'",
        connector_id,
        approved_by,
    )


async def apply_change(connection: Connection, connector_id: int, approved_by: uuid.UUID | None) -> None:
    """The proposed version becomes the live one; run inside a transaction."""
    assignments = ", ".join(f"{column} = x.{column}" for column in WRITABLE_COLUMNS)
    await connection.execute(
        f"""
        UPDATE connectors c SET {assignments}, approved_at = now(), approved_by = $2,
            updated_at = now()
        FROM connector_changes x WHERE x.connector_id = c.id AND c.id = $1
        """,  # noqa: S608 (column names are constants)
        connector_id,
        approved_by,
    )
    await connection.execute("DELETE FROM connector_changes WHERE connector_id = $1", connector_id)


async def return_new(db: Db, connector_id: int, comment: str) -> None:
    await db.execute(
        "UPDATE connectors SET status = 'returned', review_comment = $2, updated_at = now() "
        "WHERE id = $1 AND status = 'pending'",
        connector_id,
        comment,
    )


async def return_change(db: Db, connector_id: int, comment: str) -> None:
    await db.execute(
        "UPDATE connector_changes SET review_comment = $2 WHERE connector_id = $1", connector_id, comment
    )
