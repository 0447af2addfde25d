"""All of programmes' SQL: programmes, places in their lines, admissions and registrations."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Db
from backend.programmes.schemas import NewProgramme, PlaceRow, ProgrammeRow

_COLUMNS = """
    p.id, p.agency_id, a.name_th AS agency_name_th, a.name_en AS agency_name_en, p.name_th, p.name_en,
    p.description_th, p.description_en, p.opens_at, p.closes_at, p.admit_per_second,
    p.admission_window_seconds, p.admitted_through, p.last_admitted_at
"""
_PROGRAMME = f"{_COLUMNS} FROM programmes p JOIN agencies a ON a.id = p.agency_id"


class Admitted(msgspec.Struct, frozen=True):
    citizen_id: uuid.UUID
    ticket: int
    admitted_until: dt.datetime


async def insert_programme(
    db: Db, agency_id: int, new: NewProgramme, created_by: uuid.UUID | None
) -> uuid.UUID:
    programme_id: uuid.UUID = await db.fetchval(
        """
        INSERT INTO programmes (agency_id, name_th, name_en, description_th, description_en, opens_at,
                                closes_at, admit_per_second, admission_window_seconds, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
        """,
        agency_id,
        new.name_th,
        new.name_en,
        new.description_th,
        new.description_en,
        new.opens_at,
        new.closes_at,
        new.admit_per_second,
        new.admission_window_seconds,
        created_by,
    )
    return programme_id


async def programme(
    db: Db, programme_id: uuid.UUID, *, lock: bool = False, suspended_too: bool = False
) -> ProgrammeRow | None:
    """The programme while its agency is approved (what takes people in: joining, admission), or
    whatever its agency's status with ``suspended_too`` (what those who already hold a place read: the
    page, their place, their turn's message)."""
    approved = "" if suspended_too else "AND a.status = 'approved'"
    row = await db.fetchrow(
        f"SELECT {_PROGRAMME} WHERE p.id = $1 {approved} {'FOR UPDATE OF p SKIP LOCKED' if lock else ''}",
        programme_id,
    )
    return msgspec.convert(dict(row), ProgrammeRow) if row else None


async def close(db: Db, programme_id: uuid.UUID, agency_id: int) -> bool:
    """Registration closes now, unless it has closed already; False: no such programme of the agency.
    One not yet open is closed before it opens (its opening moved to just before now: a programme
    closes after it opens)."""
    found: bool = await db.fetchval(
        """
        WITH closing AS (
            UPDATE programmes
            SET closes_at = now(), opens_at = least(opens_at, now() - interval '1 second')
            WHERE id = $1 AND agency_id = $2 AND (closes_at IS NULL OR closes_at > now()) RETURNING id
        )
        SELECT EXISTS (SELECT FROM closing)
            OR EXISTS (SELECT FROM programmes WHERE id = $1 AND agency_id = $2)
        """,
        programme_id,
        agency_id,
    )
    return found


async def not_closed(db: Db, now: dt.datetime) -> list[ProgrammeRow]:
    # Nearest to now first (just opened, or opening soon): open-ended programmes that opened long ago
    # cannot push a new one off the list.
    rows = await db.fetch(
        f"SELECT {_PROGRAMME} WHERE (p.closes_at IS NULL OR p.closes_at > $1) AND a.status = 'approved'"  # noqa: S608
        " ORDER BY abs(extract(epoch FROM p.opens_at - $1)), p.id LIMIT 100",
        now,
    )
    return [msgspec.convert(dict(row), ProgrammeRow) for row in rows]


async def of_agency(db: Db, agency_id: int) -> list[tuple[ProgrammeRow, int, int, int]]:
    rows = await db.fetch(
        f"""
        SELECT {_COLUMNS}, c.joined, c.admitted, c.registered
        FROM programmes p JOIN agencies a ON a.id = p.agency_id CROSS JOIN LATERAL (
            SELECT count(*) AS joined, count(pl.admitted_at) AS admitted,
                   (SELECT count(*) FROM programme_registrations r WHERE r.programme_id = p.id) AS registered
            FROM programme_places pl WHERE pl.programme_id = p.id
        ) c
        WHERE p.agency_id = $1 ORDER BY p.opens_at DESC, p.id LIMIT 200
        """,  # noqa: S608 (columns and clauses are constants)
        agency_id,
    )
    counts = ("joined", "admitted", "registered")
    return [
        (
            msgspec.convert({k: v for k, v in row.items() if k not in counts}, ProgrammeRow),
            row["joined"],
            row["admitted"],
            row["registered"],
        )
        for row in rows
    ]


async def programmes_to_admit(db: Db, now: dt.datetime) -> list[uuid.UUID]:
    """Open programmes with someone waiting."""
    rows = await db.fetch(
        """
        SELECT p.id FROM programmes p JOIN agencies a ON a.id = p.agency_id AND a.status = 'approved'
        WHERE p.opens_at <= $1 AND (p.closes_at IS NULL OR p.closes_at > $1)
          AND EXISTS (
              SELECT 1 FROM programme_places pl WHERE pl.programme_id = p.id AND pl.admitted_at IS NULL
          )
        """,
        now,
    )
    return [row["id"] for row in rows]


async def place(
    db: Db, programme_id: uuid.UUID, citizen_id: uuid.UUID, *, lock: bool = False
) -> PlaceRow | None:
    """The place with its registration's reference; ``lock``: the place row alone, locked (without the
    reference: read it in a statement after the lock, which sees what committed while it waited)."""
    if lock:
        row = await db.fetchrow(
            "SELECT ticket, admitted_until FROM programme_places"
            " WHERE programme_id = $1 AND citizen_id = $2 FOR UPDATE",
            programme_id,
            citizen_id,
        )
    else:
        row = await db.fetchrow(
            """
            SELECT pl.ticket, pl.admitted_until, r.reference
            FROM programme_places pl
            LEFT JOIN programme_registrations r USING (programme_id, citizen_id)
            WHERE pl.programme_id = $1 AND pl.citizen_id = $2
            """,
            programme_id,
            citizen_id,
        )
    return msgspec.convert(dict(row), PlaceRow) if row else None


async def insert_place(db: Db, programme_id: uuid.UUID, citizen_id: uuid.UUID, ticket: int) -> bool:
    """False when the citizen already has a place (a ticket already taken raises UniqueViolation)."""
    inserted = await db.fetchval(
        """
        INSERT INTO programme_places (programme_id, citizen_id, ticket) VALUES ($1, $2, $3)
        ON CONFLICT (programme_id, citizen_id) DO NOTHING RETURNING true
        """,
        programme_id,
        citizen_id,
        ticket,
    )
    return bool(inserted)


async def requeue_place(
    db: Db,
    programme_id: uuid.UUID,
    citizen_id: uuid.UUID,
    ticket: int,
    lapsed_until: dt.datetime,
    grace: dt.timedelta,
) -> bool:
    """A lapsed place given ``ticket`` at the back of the line; False when it is no longer the place that
    lapsed at ``lapsed_until`` (requeued at the same moment, registered, or still within its ``grace``)."""
    moved = await db.fetchval(
        """
        UPDATE programme_places SET ticket = $3, joined_at = now(), admitted_at = NULL, admitted_until = NULL
        WHERE programme_id = $1 AND citizen_id = $2 AND admitted_until = $4
          AND admitted_until + $5::interval <= now()
          AND NOT EXISTS (SELECT 1 FROM programme_registrations r
                          WHERE r.programme_id = $1 AND r.citizen_id = $2)
        RETURNING true
        """,
        programme_id,
        citizen_id,
        ticket,
        lapsed_until,
        grace,
    )
    return bool(moved)


async def later_ticket_held(db: Db, programme_id: uuid.UUID, ticket: int) -> bool:
    """Someone holds a later ticket since a while (not a join in flight beside this one, milliseconds
    apart): the counter that gave ``ticket`` had gone back. Reads the few tickets above ``ticket``."""
    found = await db.fetchval(
        """
        SELECT 1 FROM programme_places
        WHERE programme_id = $1 AND ticket > $2 AND joined_at < now() - interval '5 seconds' LIMIT 1
        """,
        programme_id,
        ticket,
    )
    return found is not None


async def last_ticket(db: Db, programme_id: uuid.UUID) -> int:
    ticket: int = await db.fetchval(
        "SELECT coalesce(max(ticket), 0) FROM programme_places WHERE programme_id = $1", programme_id
    )
    return ticket


async def admit_next(
    db: Db, programme_id: uuid.UUID, count: int, now: dt.datetime, window: dt.timedelta
) -> list[Admitted]:
    """The next ``count`` people waiting, in ticket order, let in until ``now + window``."""
    rows = await db.fetch(
        """
        UPDATE programme_places pl
        SET admitted_at = $3::timestamptz, admitted_until = $3::timestamptz + $4::interval
        FROM (
            SELECT citizen_id FROM programme_places
            WHERE programme_id = $1 AND admitted_at IS NULL ORDER BY ticket LIMIT $2 FOR UPDATE
        ) head
        WHERE pl.programme_id = $1 AND pl.citizen_id = head.citizen_id
        RETURNING pl.citizen_id, pl.ticket, pl.admitted_until
        """,
        programme_id,
        count,
        now,
        window,
    )
    return sorted((msgspec.convert(dict(row), Admitted) for row in rows), key=lambda a: a.ticket)


async def mark_admitted(db: Db, programme_id: uuid.UUID, through: int, counted_to: dt.datetime) -> None:
    """Everyone up to ticket ``through`` let in; the pace's allowance used up to ``counted_to``."""
    await db.execute(
        """
        UPDATE programmes SET admitted_through = greatest(admitted_through, $2), last_admitted_at = $3
        WHERE id = $1
        """,
        programme_id,
        through,
        counted_to,
    )


async def admitted_last_minute(
    db: Db, programme_id: uuid.UUID, now: dt.datetime
) -> tuple[int, dt.datetime | None]:
    """How many were let in during the last minute, and the first of those admissions."""
    row = await db.fetchrow(
        """
        SELECT count(*) AS admitted, min(admitted_at) AS first FROM programme_places
        WHERE programme_id = $1
          AND admitted_at > $2::timestamptz - interval '60 seconds' AND admitted_at <= $2
        """,
        programme_id,
        now,
    )
    assert row is not None
    return row["admitted"], row["first"]


async def still_waiting(db: Db, programme_id: uuid.UUID) -> bool:
    found = await db.fetchval(
        "SELECT 1 FROM programme_places WHERE programme_id = $1 AND admitted_at IS NULL LIMIT 1",
        programme_id,
    )
    return found is not None


async def admitted_between(db: Db, programme_id: uuid.UUID, first: int, last: int) -> list[Admitted]:
    rows = await db.fetch(
        """
        SELECT citizen_id, ticket, admitted_until FROM programme_places
        WHERE programme_id = $1 AND ticket BETWEEN $2 AND $3 AND admitted_at IS NOT NULL
        ORDER BY ticket
        """,
        programme_id,
        first,
        last,
    )
    return [msgspec.convert(dict(row), Admitted) for row in rows]


async def insert_registration(
    db: Db, programme_id: uuid.UUID, citizen_id: uuid.UUID, reference: str
) -> dt.datetime | None:
    """When it was registered; None when the citizen had registered already."""
    at: dt.datetime | None = await db.fetchval(
        """
        INSERT INTO programme_registrations (programme_id, citizen_id, reference)
        VALUES ($1, $2, $3) ON CONFLICT (programme_id, citizen_id) DO NOTHING
        RETURNING registered_at
        """,
        programme_id,
        citizen_id,
        reference,
    )
    return at


async def registration(
    db: Db, programme_id: uuid.UUID, citizen_id: uuid.UUID
) -> tuple[str, dt.datetime] | None:
    row = await db.fetchrow(
        "SELECT reference, registered_at FROM programme_registrations"
        " WHERE programme_id = $1 AND citizen_id = $2",
        programme_id,
        citizen_id,
    )
    return (row["reference"], row["registered_at"]) if row else None
