"""Assisted mode's SQL: grants of kind 'assisted' (in the delegation tables) and one-time codes."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import msgspec

from backend.core.db import Db
from backend.delegation.schemas import DelegationStatus


async def insert_assisted(
    db: Db,
    *,
    grantor_id: uuid.UUID,
    staff_id: uuid.UUID,
    scopes: Sequence[str],
    service_point: str,
    active_minutes: int | None,
    lapse_minutes: int,
) -> uuid.UUID | None:
    """A request (``active_minutes`` None: lapses after ``lapse_minutes``) or an active grant; None when
    the two already have an open grant."""
    found: uuid.UUID | None = await db.fetchval(
        """
        WITH t AS (SELECT now() AS now)
        INSERT INTO delegations (grantor_id, delegate_id, scopes, status, kind, service_point, ends_at,
                                 ends_on, accepted_at, created_at)
        SELECT $1::uuid, $2::uuid, $3, CASE WHEN $5::int IS NULL THEN 'invited' ELSE 'active' END,
               'assisted', $4, t.now + make_interval(mins => coalesce($5, $6)),
               ((t.now + make_interval(mins => coalesce($5, $6))) AT TIME ZONE 'Asia/Bangkok')::date,
               CASE WHEN $5::int IS NULL THEN NULL ELSE t.now END, t.now
        FROM t
        ON CONFLICT (grantor_id, delegate_id) WHERE status IN ('invited', 'active') DO NOTHING
        RETURNING id
        """,
        grantor_id,
        staff_id,
        scopes,
        service_point,
        active_minutes,
        lapse_minutes,
    )
    return found


async def confirm(db: Db, delegation_id: uuid.UUID, scopes: Sequence[str], minutes: int) -> None:
    """The citizen agreed: the hour starts now, with the scopes they chose."""
    await db.execute(
        """
        UPDATE delegations SET status = 'active', accepted_at = now(), scopes = $2,
               ends_at = now() + make_interval(mins => $3),
               ends_on = ((now() + make_interval(mins => $3)) AT TIME ZONE 'Asia/Bangkok')::date
        WHERE id = $1
        """,
        delegation_id,
        scopes,
        minutes,
    )


async def lapse_for_staff(db: Db, staff_id: uuid.UUID) -> None:
    """The staff member's requests and sessions past their last moment are ended."""
    await db.execute(
        """
        UPDATE delegations SET status = 'ended', ended_at = now()
        WHERE delegate_id = $1 AND kind = 'assisted' AND status IN ('invited', 'active')
          AND ends_at <= now()
        """,
        staff_id,
    )


class CounterRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    status: DelegationStatus
    scopes: list[str]
    service_point: str
    ends_at: dt.datetime
    accepted_at: dt.datetime | None
    name_th: str | None
    name_en: str | None
    key_id: str
    ciphertext: bytes


async def staff_sessions(
    db: Db, staff_id: uuid.UUID, delegation_id: uuid.UUID | None = None
) -> list[CounterRow]:
    """The staff member's assisted grants of the last day (or one of them), open ones first."""
    rows = await db.fetch(
        """
        SELECT d.id, d.status, d.scopes, d.service_point, d.ends_at, d.accepted_at,
               c.name_th, c.name_en,
               c.national_id_key_id AS key_id, c.national_id_ciphertext AS ciphertext
        FROM delegations d JOIN citizens c ON c.id = d.grantor_id
        WHERE d.delegate_id = $1 AND d.kind = 'assisted' AND d.created_at > now() - interval '1 day'
          AND ($2::uuid IS NULL OR d.id = $2)
        ORDER BY d.status NOT IN ('invited', 'active'), d.created_at DESC
        LIMIT 50
        """,
        staff_id,
        delegation_id,
    )
    return [msgspec.convert(dict(row), CounterRow) for row in rows]


async def replace_code(
    db: Db, citizen_id: uuid.UUID, code_hash: bytes, scopes: Sequence[str], minutes: int
) -> dt.datetime:
    """The citizen's new code (any older unused one stops working); when it lapses."""
    await db.execute("DELETE FROM assisted_codes WHERE citizen_id = $1 AND used_at IS NULL", citizen_id)
    expires: dt.datetime = await db.fetchval(
        """
        INSERT INTO assisted_codes (citizen_id, code_hash, scopes, expires_at)
        VALUES ($1, $2, $3, now() + make_interval(mins => $4)) RETURNING expires_at
        """,
        citizen_id,
        code_hash,
        scopes,
        minutes,
    )
    return expires


class CodeRow(msgspec.Struct, frozen=True):
    id: int
    code_hash: bytes
    scopes: list[str]


async def open_code(db: Db, citizen_id: uuid.UUID, max_failures: int) -> CodeRow | None:
    """The citizen's unused, unexpired code with tries left, locked until the transaction ends."""
    row = await db.fetchrow(
        """
        SELECT id, code_hash, scopes FROM assisted_codes
        WHERE citizen_id = $1 AND used_at IS NULL AND expires_at > now() AND failed_attempts < $2
        ORDER BY id DESC LIMIT 1 FOR UPDATE
        """,
        citizen_id,
        max_failures,
    )
    return msgspec.convert(dict(row), CodeRow) if row else None


async def code_lapses_at(db: Db, citizen_id: uuid.UUID) -> dt.datetime | None:
    """When the citizen's unused code lapses, while one is there to be typed (None: none is)."""
    lapses: dt.datetime | None = await db.fetchval(
        "SELECT max(expires_at) FROM assisted_codes"
        " WHERE citizen_id = $1 AND used_at IS NULL AND expires_at > now()",
        citizen_id,
    )
    return lapses


async def code_failed(db: Db, code_id: int) -> None:
    await db.execute("UPDATE assisted_codes SET failed_attempts = failed_attempts + 1 WHERE id = $1", code_id)


async def code_used(db: Db, code_id: int, delegation_id: uuid.UUID) -> None:
    await db.execute(
        "UPDATE assisted_codes SET used_at = now(), delegation_id = $2 WHERE id = $1",
        code_id,
        delegation_id,
    )
