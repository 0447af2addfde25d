"""The SQL of parents' and guardians' grants (``family``): people as a registry is asked about them, the
child's row made when they never logged in, the grant made active at once, and the guardianships due
to be asked about again."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Db


class Sealed(msgspec.Struct, frozen=True):
    """A citizen with their national ID still sealed."""

    id: uuid.UUID
    name_th: str | None
    name_en: str | None
    key_id: str
    ciphertext: bytes


async def citizen(db: Db, citizen_id: uuid.UUID) -> Sealed:
    row = await db.fetchrow(
        """
        SELECT id, name_th, name_en, national_id_key_id AS key_id, national_id_ciphertext AS ciphertext
        FROM citizens WHERE id = $1
        """,
        citizen_id,
    )
    assert row is not None  # the caller is logged in, or named by a grant
    return msgspec.convert(dict(row), Sealed)


async def child_row(
    db: Db,
    *,
    national_id_hash: bytes,
    key_id: str,
    ciphertext: bytes,
    registry: str,
    name_th: str | None,
    name_en: str | None,
    birthdate: dt.date,
) -> uuid.UUID:
    """The child's citizen row, made now if they never logged in (their first login later takes it
    over: it is keyed by the same hash). Names the registry gave only fill names not known yet."""
    found: uuid.UUID = await db.fetchval(
        """
        INSERT INTO citizens (national_id_hash, national_id_key_id, national_id_ciphertext, issuer, subject,
                              name_th, name_en, birthdate)
        VALUES ($1, $2, $3, 'registry', $4, $5, $6, $7)
        ON CONFLICT (national_id_hash) DO UPDATE SET
            name_th = coalesce(citizens.name_th, EXCLUDED.name_th),
            name_en = coalesce(citizens.name_en, EXCLUDED.name_en),
            birthdate = coalesce(citizens.birthdate, EXCLUDED.birthdate)
        RETURNING id
        """,
        national_id_hash,
        key_id,
        ciphertext,
        registry,
        name_th,
        name_en,
        birthdate,
    )
    return found


async def open_between(db: Db, child_id: uuid.UUID, adult_id: uuid.UUID) -> bool:
    found: bool = await db.fetchval(
        """
        SELECT EXISTS (SELECT 1 FROM delegations WHERE grantor_id = $1 AND delegate_id = $2
                       AND status IN ('invited', 'active'))
        """,
        child_id,
        adult_id,
    )
    return found


async def insert_family_grant(
    db: Db,
    *,
    kind: str,
    child_id: uuid.UUID,
    adult_id: uuid.UUID,
    scopes: list[str],
    ends_on: dt.date,
    child_birthdate: dt.date,
    registry_connector_id: int,
) -> uuid.UUID | None:
    """Active at once; None when the two already have an open grant."""
    found: uuid.UUID | None = await db.fetchval(
        """
        INSERT INTO delegations (kind, grantor_id, delegate_id, scopes, status, ends_on, accepted_at,
                                 child_birthdate, registry_connector_id, confirmed_at)
        VALUES ($1, $2, $3, $4, 'active', $5, now(), $6, $7, now())
        ON CONFLICT (grantor_id, delegate_id) WHERE status IN ('invited', 'active') DO NOTHING
        RETURNING id
        """,
        kind,
        child_id,
        adult_id,
        scopes,
        ends_on,
        child_birthdate,
        registry_connector_id,
    )
    return found


class Guardianship(msgspec.Struct, frozen=True):
    id: uuid.UUID
    ward_id: uuid.UUID
    guardian_id: uuid.UUID
    child_birthdate: dt.date


async def guardianships_to_check(db: Db, older_than: dt.timedelta, limit: int = 500) -> list[Guardianship]:
    """Active guardians' grants the registry last confirmed longer ago than ``older_than``, oldest first."""
    rows = await db.fetch(
        """
        SELECT id, grantor_id AS ward_id, delegate_id AS guardian_id, child_birthdate
        FROM delegations
        WHERE kind = 'guardian' AND status = 'active' AND confirmed_at < now() - $1::interval
        ORDER BY confirmed_at LIMIT $2
        """,
        older_than,
        limit,
    )
    return [msgspec.convert(dict(row), Guardianship) for row in rows]


async def reconfirmed(db: Db, delegation_id: uuid.UUID, ends_on: dt.date) -> None:
    await db.execute(
        """
        UPDATE delegations SET confirmed_at = now(), ends_on = $2
        WHERE id = $1 AND status = 'active'
        """,
        delegation_id,
        ends_on,
    )
