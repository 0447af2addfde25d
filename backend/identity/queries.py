"""All SQL of the identity feature. Rows come back as msgspec Structs."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Db
from backend.identity.schemas import RoleGrantView


class CitizenRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    national_id_key_id: str
    national_id_ciphertext: bytes
    name_th: str | None
    name_en: str | None
    birthdate: dt.date | None
    created_at: dt.datetime
    last_login_at: dt.datetime


class GrantRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    citizen_id: uuid.UUID
    role: str
    agency_id: int | None
    revoked_at: dt.datetime | None


class AgencyClientRow(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    client_id: str
    agency_id: int
    name: str
    scopes: list[str]
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class AgencyClientListing(msgspec.Struct, frozen=True, kw_only=True):
    """One of an agency's clients, with how many of its secrets still work."""

    id: int
    client_id: str
    name: str
    scopes: list[str]
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    live_secrets: int


class ClientCredential(msgspec.Struct, frozen=True, kw_only=True):
    """A live client whose live secret was presented."""

    id: int
    client_id: str
    agency_id: int
    scopes: list[str]


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
) -> tuple[uuid.UUID, bool]:
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
        RETURNING id, (xmax = 0) AS created
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


async def citizen(db: Db, citizen_id: uuid.UUID) -> CitizenRow | None:
    row = await db.fetchrow(
        """
        SELECT id, national_id_key_id, national_id_ciphertext, name_th, name_en, birthdate,
               created_at, last_login_at
        FROM citizens WHERE id = $1
        """,
        citizen_id,
    )
    return msgspec.convert(dict(row), CitizenRow) if row else None


async def citizen_id_by_hash(db: Db, national_id_hash: bytes) -> uuid.UUID | None:
    citizen_id: uuid.UUID | None = await db.fetchval(
        "SELECT id FROM citizens WHERE national_id_hash = $1", national_id_hash
    )
    return citizen_id


async def active_roles(db: Db, citizen_id: uuid.UUID) -> list[tuple[str, int | None]]:
    # An agency role counts only while the agency is approved: a suspended agency's staff act for no one.
    rows = await db.fetch(
        """
        SELECT g.role, g.agency_id FROM role_grants g LEFT JOIN agencies a ON a.id = g.agency_id
        WHERE g.citizen_id = $1 AND g.revoked_at IS NULL
          -- The platform's sender row (migration 0035) is nobody's agency: a role there gives nothing.
          AND (g.agency_id IS NULL OR (a.status = 'approved' AND NOT a.is_platform))
        """,
        citizen_id,
    )
    return [(row["role"], row["agency_id"]) for row in rows]


async def grant_role(
    db: Db,
    *,
    citizen_id: uuid.UUID,
    role: str,
    agency_id: int | None,
    granted_by: uuid.UUID | None,
    reason: str,
) -> int | None:
    """Returns the new grant's id, or None when the same role was already active."""
    grant_id: int | None = await db.fetchval(
        """
        INSERT INTO role_grants (citizen_id, role, agency_id, granted_by, grant_reason)
        VALUES ($1, $2, $3, $4, $5)
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


async def revoke_role(db: Db, *, grant_id: int, revoked_by: uuid.UUID | None) -> bool:
    result: str = await db.execute(
        "UPDATE role_grants SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL",
        grant_id,
        revoked_by,
    )
    return result.endswith(" 1")


async def role_grants(db: Db, *, include_revoked: bool) -> list[RoleGrantView]:
    rows = await db.fetch(
        """
        SELECT g.id, g.citizen_id, g.role, g.agency_id, g.granted_by, g.granted_at,
               g.grant_reason, g.revoked_by, g.revoked_at, c.name_th, c.name_en
        FROM role_grants g JOIN citizens c ON c.id = g.citizen_id
        WHERE $1 OR g.revoked_at IS NULL
        ORDER BY g.granted_at DESC
        """,
        include_revoked,
    )
    return [msgspec.convert(dict(row), RoleGrantView) for row in rows]


async def active_platform_admin_count(db: Db) -> int:
    count: int = await db.fetchval(
        "SELECT count(*) FROM role_grants WHERE role = 'platform_admin' AND revoked_at IS NULL"
    )
    return count


async def lock_role_grants(db: Db) -> None:
    """Until the transaction ends, no one else grants or revokes a role (the last-admin check)."""
    await db.execute("LOCK TABLE role_grants IN SHARE ROW EXCLUSIVE MODE")


async def grant_by_id(db: Db, grant_id: int) -> GrantRow | None:
    row = await db.fetchrow(
        "SELECT id, citizen_id, role, agency_id, revoked_at FROM role_grants WHERE id = $1", grant_id
    )
    return msgspec.convert(dict(row), GrantRow) if row else None


async def agency_status(db: Db, agency_id: int) -> str | None:
    status: str | None = await db.fetchval("SELECT status FROM agencies WHERE id = $1", agency_id)
    return status


async def create_agency_client(
    db: Db, *, client_id: str, agency_id: int, name: str, scopes: list[str], created_by: uuid.UUID | None
) -> int:
    client_pk: int = await db.fetchval(
        """
        INSERT INTO agency_clients (client_id, agency_id, name, scopes, created_by)
        VALUES ($1, $2, $3, $4, $5) RETURNING id
        """,
        client_id,
        agency_id,
        name,
        scopes,
        created_by,
    )
    return client_pk


async def add_client_secret(db: Db, *, client_pk: int, secret_hash: bytes) -> None:
    await db.execute(
        "INSERT INTO agency_client_secrets (client_id, secret_hash) VALUES ($1, $2)", client_pk, secret_hash
    )


async def expire_client_secrets(db: Db, *, client_pk: int, overlap_seconds: int) -> dt.datetime | None:
    """Older secrets stay valid for the overlap, then stop working; returns when they expire."""
    expires_at: dt.datetime | None = await db.fetchval(
        """
        WITH expired AS (
            UPDATE agency_client_secrets
            SET expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $2))
            WHERE client_id = $1 AND revoked_at IS NULL
            RETURNING expires_at
        )
        SELECT max(expires_at) FROM expired
        """,
        client_pk,
        float(overlap_seconds),
    )
    return expires_at


async def agency_client(db: Db, *, agency_id: int, client_id: str) -> AgencyClientRow | None:
    row = await db.fetchrow(
        """
        SELECT id, client_id, agency_id, name, scopes, created_at, revoked_at
        FROM agency_clients WHERE agency_id = $1 AND client_id = $2
        """,
        agency_id,
        client_id,
    )
    return msgspec.convert(dict(row), AgencyClientRow) if row else None


async def agency_client_listing(db: Db, agency_id: int) -> list[AgencyClientListing]:
    rows = await db.fetch(
        """
        SELECT c.id, c.client_id, c.name, c.scopes, c.created_at, c.revoked_at,
               count(s.id) FILTER (
                   WHERE s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())
               ) AS live_secrets
        FROM agency_clients c LEFT JOIN agency_client_secrets s ON s.client_id = c.id
        WHERE c.agency_id = $1
        GROUP BY c.id ORDER BY c.created_at
        """,
        agency_id,
    )
    return [msgspec.convert(dict(row), AgencyClientListing) for row in rows]


async def revoke_agency_client(db: Db, *, client_pk: int, revoked_by: uuid.UUID | None) -> None:
    await db.execute(
        "UPDATE agency_clients SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL",
        client_pk,
        revoked_by,
    )
    await db.execute(
        "UPDATE agency_client_secrets SET revoked_at = now() WHERE client_id = $1 AND revoked_at IS NULL",
        client_pk,
    )


async def client_for_secret(db: Db, *, client_id: str, secret_hash: bytes) -> ClientCredential | None:
    """The live client whose live secret this is, with its agency still approved."""
    row = await db.fetchrow(
        """
        SELECT c.id, c.client_id, c.agency_id, c.scopes
        FROM agency_clients c
        JOIN agency_client_secrets s ON s.client_id = c.id
        JOIN agencies a ON a.id = c.agency_id
        WHERE c.client_id = $1 AND s.secret_hash = $2
          AND c.revoked_at IS NULL AND s.revoked_at IS NULL
          AND (s.expires_at IS NULL OR s.expires_at > now())
          AND a.status = 'approved' AND NOT a.is_platform
        """,
        client_id,
        secret_hash,
    )
    return msgspec.convert(dict(row), ClientCredential) if row else None
