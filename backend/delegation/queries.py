"""All of delegation's SQL: grants between two citizens and their event rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import msgspec

from backend.core.db import Db
from backend.delegation.schemas import DelegationKind, DelegationRow, DelegationStatus, EventKind

_COLUMNS = """
    d.id, d.kind, d.grantor_id, d.delegate_id, d.scopes, d.status, d.ends_on, d.created_at,
    d.accepted_at, d.ended_at, g.name_th AS grantor_name_th, g.name_en AS grantor_name_en,
    e.name_th AS delegate_name_th, e.name_en AS delegate_name_en, d.ends_at, d.service_point
"""
_FROM = "FROM delegations d JOIN citizens g ON g.id = d.grantor_id JOIN citizens e ON e.id = d.delegate_id"


class EventRow(msgspec.Struct, frozen=True):
    delegation_id: uuid.UUID
    at: dt.datetime
    actor_id: uuid.UUID | None
    """None when no person acted (a registry's answer)."""
    kind: EventKind
    reason: str | None
    ends_on: dt.date


async def lock_delegate(db: Db, delegate_id: uuid.UUID) -> None:
    """Held until the transaction ends: counting and adding a delegate's grants happen one at a time."""
    await db.execute("SELECT 1 FROM citizens WHERE id = $1 FOR UPDATE", delegate_id)


async def open_grants_of_delegate(db: Db, delegate_id: uuid.UUID, today: dt.date) -> int:
    """How many people the citizen acts for, or has been asked to, now."""
    count: int = await db.fetchval(
        """
        SELECT count(*) FROM delegations
        WHERE delegate_id = $1 AND status IN ('invited', 'active') AND ends_on >= $2
          AND kind <> 'assisted'
        """,
        delegate_id,
        today,
    )
    return count


async def insert_delegation(
    db: Db, *, grantor_id: uuid.UUID, delegate_id: uuid.UUID, scopes: Sequence[str], ends_on: dt.date
) -> uuid.UUID | None:
    """The new grant's id; None when the two already have an open one."""
    found: uuid.UUID | None = await db.fetchval(
        """
        INSERT INTO delegations (grantor_id, delegate_id, scopes, status, ends_on)
        VALUES ($1, $2, $3, 'invited', $4)
        ON CONFLICT (grantor_id, delegate_id) WHERE status IN ('invited', 'active') DO NOTHING
        RETURNING id
        """,
        grantor_id,
        delegate_id,
        scopes,
        ends_on,
    )
    return found


async def add_event(
    db: Db,
    delegation_id: uuid.UUID,
    actor_id: uuid.UUID | None,
    kind: str,
    reason: str | None,
    row: DelegationRow,
) -> int:
    """The event's id (its notices are keyed by it)."""
    event_id: int = await db.fetchval(
        """
        INSERT INTO delegation_events (delegation_id, actor_id, kind, reason, scopes, ends_on)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
        """,
        delegation_id,
        actor_id,
        kind,
        reason or None,
        row.scopes,
        row.ends_on,
    )
    return event_id


async def delegation_for(
    db: Db, delegation_id: uuid.UUID, citizen_id: uuid.UUID, *, lock: bool = False
) -> DelegationRow | None:
    """The grant when the citizen is one of its two people (to anyone else it is not there)."""
    row = await db.fetchrow(
        f"""
        SELECT {_COLUMNS} {_FROM}
        WHERE d.id = $1 AND $2::uuid IN (d.grantor_id, d.delegate_id)
        {"FOR UPDATE OF d" if lock else ""}
        """,
        delegation_id,
        citizen_id,
    )
    return msgspec.convert(dict(row), DelegationRow) if row else None


async def delegations_of(db: Db, citizen_id: uuid.UUID) -> list[DelegationRow]:
    """Every grant the citizen gave or received, open ones first, newest first."""
    rows = await db.fetch(
        f"""
        SELECT {_COLUMNS} {_FROM}
        WHERE $1::uuid IN (d.grantor_id, d.delegate_id)
        ORDER BY d.status NOT IN ('invited', 'active'), d.created_at DESC
        LIMIT 200
        """,
        citizen_id,
    )
    return [msgspec.convert(dict(row), DelegationRow) for row in rows]


async def events_of(db: Db, delegation_ids: list[uuid.UUID]) -> list[EventRow]:
    rows = await db.fetch(
        """
        SELECT delegation_id, at, actor_id, kind, reason, ends_on FROM delegation_events
        WHERE delegation_id = ANY($1::uuid[]) ORDER BY id
        """,
        delegation_ids,
    )
    return [msgspec.convert(dict(row), EventRow) for row in rows]


async def accept(db: Db, delegation_id: uuid.UUID) -> None:
    await db.execute(
        "UPDATE delegations SET status = 'active', accepted_at = now() WHERE id = $1", delegation_id
    )


async def close(db: Db, delegation_id: uuid.UUID, status: str) -> None:
    await db.execute(
        "UPDATE delegations SET status = $2, ended_at = now() WHERE id = $1", delegation_id, status
    )


async def renew(db: Db, delegation_id: uuid.UUID, scopes: Sequence[str], ends_on: dt.date) -> None:
    await db.execute(
        "UPDATE delegations SET scopes = $2, ends_on = $3, renewed_at = now() WHERE id = $1",
        delegation_id,
        scopes,
        ends_on,
    )


async def expire_past_end(db: Db, citizen_id: uuid.UUID, today: dt.date) -> None:
    """Grants of the citizen's whose last day (an assisted one's last moment) has passed are ended (the
    rule holds without a worker: every read and check asks the date too)."""
    await db.execute(
        """
        UPDATE delegations SET status = 'ended', ended_at = now()
        WHERE $1::uuid IN (grantor_id, delegate_id) AND status IN ('invited', 'active')
          AND (ends_on < $2 OR ends_at <= now())
        """,
        citizen_id,
        today,
    )


class ActingRow(msgspec.Struct, frozen=True):
    grantor_id: uuid.UUID
    scopes: list[str]
    delegate_name_th: str | None
    delegate_name_en: str | None
    kind: str
    service_point: str | None


async def acting_delegation(
    db: Db, delegation_id: uuid.UUID, delegate_id: uuid.UUID, today: dt.date
) -> ActingRow | None:
    """The grant when it is active, not past its last day, and the caller is its delegate: asked on every
    request made while acting, so that an end or expiry holds from the next request on."""
    row = await db.fetchrow(
        """
        SELECT d.grantor_id, d.scopes, e.name_th AS delegate_name_th, e.name_en AS delegate_name_en,
               d.kind, d.service_point
        FROM delegations d JOIN citizens e ON e.id = d.delegate_id
        WHERE d.id = $1 AND d.delegate_id = $2 AND d.status = 'active' AND d.ends_on >= $3
          AND (d.ends_at IS NULL OR d.ends_at > now())
        """,
        delegation_id,
        delegate_id,
        today,
    )
    return msgspec.convert(dict(row), ActingRow) if row else None


async def recently_recorded(
    db: Db, citizen_id: uuid.UUID, delegate_id: uuid.UUID, actor_kind: str, purpose_en: str, minutes: int
) -> bool:
    """Whether the grantor's log already says this delegate did this in the last ``minutes``."""
    found: bool = await db.fetchval(
        """
        SELECT EXISTS (
            SELECT 1 FROM data_access_log
            WHERE citizen_id = $1 AND kind = 'delegation' AND actor_kind = $5
              AND actor_id = $2 AND purpose_en = $3 AND at > now() - make_interval(mins => $4)
        )
        """,
        citizen_id,
        str(delegate_id),  # the log's actor_id is text: a person's id or an agency client's
        purpose_en,
        minutes,
        actor_kind,
    )
    return found


class SupportRow(msgspec.Struct, frozen=True):
    """A grant as support sees it: the other person's sealed national ID, for masking."""

    id: uuid.UUID
    given: bool
    """The citizen looked at is the grantor."""
    kind: DelegationKind
    scopes: list[str]
    status: DelegationStatus
    ends_on: dt.date
    other_name_th: str | None
    other_name_en: str | None
    other_key_id: str
    other_ciphertext: bytes


async def delegations_for_support(db: Db, citizen_id: uuid.UUID) -> list[SupportRow]:
    rows = await db.fetch(
        """
        SELECT d.id, d.grantor_id = $1 AS given, d.kind, d.scopes, d.status, d.ends_on,
               o.name_th AS other_name_th, o.name_en AS other_name_en,
               o.national_id_key_id AS other_key_id, o.national_id_ciphertext AS other_ciphertext
        FROM delegations d
        JOIN citizens o ON o.id = CASE WHEN d.grantor_id = $1 THEN d.delegate_id ELSE d.grantor_id END
        WHERE $1::uuid IN (d.grantor_id, d.delegate_id)
        ORDER BY d.status NOT IN ('invited', 'active'), d.created_at DESC
        LIMIT 100
        """,
        citizen_id,
    )
    return [msgspec.convert(dict(row), SupportRow) for row in rows]
