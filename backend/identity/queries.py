"""All SQL of the identity feature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.core.db import Connection, Pool

Db = Pool | Connection


async def upsert_citizen_on_login(
    db: Db,
    *,
    national_id_hash: bytes,
    key_id: str,
    ciphertext: bytes,
    issuer: str,
    subject: str,
    name_th: str | None,
    name_en: str | None,
    birthdate: dt.date | None,
) -> tuple[str, bool]:
    """Creates the citizen at first login; afterwards refreshes what the provider says (and
    re-encrypts the ID under the newest key). Returns (citizen id, created)."""
    row = await db.fetchrow(
        """
        INSERT INTO citizens (national_id_hash, national_id_key_id, national_id_ciphertext,
                              issuer, subject, name_th, name_en, birthdate)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        ON CONFLICT (national_id_hash) DO UPDATE SET
            national_id_key_id = EXCLUDED.national_id_key_id,
            national_id_ciphertext = EXCLUDED.national_id_ciphertext,
            issuer = EXCLUDED.issuer,
            subject = EXCLUDED.subject,
            name_th = coalesce(EXCLUDED.name_th, citizens.name_th),
            name_en = coalesce(EXCLUDED.name_en, citizens.name_en),
            birthdate = coalesce(EXCLUDED.birthdate, citizens.birthdate),
            last_login_at = now()
        RETURNING id::text, (xmax = 0) AS created
        """,
        national_id_hash,
        key_id,
        ciphertext,
        issuer,
        subject,
        name_th,
        name_en,
        birthdate,
    )
    assert row is not None
    return row["id"], row["created"]


async def citizen_by_id(db: Db, citizen_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT id::text, national_id_key_id, national_id_ciphertext, name_th, name_en, birthdate,
               created_at, last_login_at
        FROM citizens WHERE id = $1::uuid
        """,
        citizen_id,
    )
    return dict(row) if row else None


async def citizen_id_by_hash(db: Db, national_id_hash: bytes) -> str | None:
    citizen_id: str | None = await db.fetchval(
        "SELECT id::text FROM citizens WHERE national_id_hash = $1", national_id_hash
    )
    return citizen_id


async def active_roles(db: Db, citizen_id: str) -> list[tuple[str, int | None]]:
    rows = await db.fetch(
        "SELECT role, agency_id FROM role_grants WHERE citizen_id = $1::uuid AND revoked_at IS NULL",
        citizen_id,
    )
    return [(row["role"], row["agency_id"]) for row in rows]


async def grant_role(
    db: Db, *, citizen_id: str, role: str, agency_id: int | None, granted_by: str | None, reason: str
) -> int | None:
    """Returns the new grant's id, or None when the same role was already active."""
    grant_id: int | None = await db.fetchval(
        """
        INSERT INTO role_grants (citizen_id, role, agency_id, granted_by, grant_reason)
        VALUES ($1::uuid, $2, $3, $4::uuid, $5)
        ON CONFLICT (citizen_id, role, coalesce(agency_id, 0)) WHERE revoked_at IS NULL DO NOTHING
        RETURNING id
        """,
        citizen_id,
        role,
        agency_id,
        granted_by,
        reason,
    )
    return grant_id


async def revoke_role(db: Db, *, grant_id: int, revoked_by: str | None) -> bool:
    result: str = await db.execute(
        "UPDATE role_grants SET revoked_at = now(), revoked_by = $2::uuid "
        "WHERE id = $1 AND revoked_at IS NULL",
        grant_id,
        revoked_by,
    )
    return result.endswith(" 1")


async def role_grants(db: Db, *, include_revoked: bool) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT g.id, g.citizen_id::text, g.role, g.agency_id, g.granted_by::text, g.granted_at,
               g.grant_reason, g.revoked_by::text, g.revoked_at, c.name_th, c.name_en
        FROM role_grants g JOIN citizens c ON c.id = g.citizen_id
        WHERE $1 OR g.revoked_at IS NULL
        ORDER BY g.granted_at DESC
        """,
        include_revoked,
    )
    return [dict(row) for row in rows]
