"""The waiting room's fast side in Redis: the ticket counter and what a poll reads, all rebuilt from
PostgreSQL when Redis has lost them. Every key of one programme shares a hash tag, so a poll is one MGET
on one cluster node.

Nothing here is the truth. A ticket taken from the counter counts only once its place row is written; if
Redis restarted empty, the counter is seeded from the highest ticket PostgreSQL holds before any new one
is given out, so nobody who joins later can land in a gap ahead of someone already waiting."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

import msgspec
import redis.asyncio

from backend.core.db import Db
from backend.programmes import queries
from backend.programmes.schemas import Line, PlaceRow, ProgrammeRow

_PLACE_SECONDS = 86400  # a cached place is read again from PostgreSQL after a day
# The line is rewritten by every admission tick; kept no longer than this, a copy left stale (a write lost
# after the tick's commit, an older rebuild landing after a newer tick) is rebuilt from PostgreSQL.
_LINE_SECONDS = 60
_JOINING_SECONDS = 10  # a join lost with its process frees the next one after this
_NEXT_TICKET = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end return -1"
# Raise the counter to at least ARGV[1] (never lower it: tickets already given out stay given).
_AT_LEAST = """
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
"""
_DROP_IF_MINE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
_ENCODE = msgspec.json.Encoder()


def _tag(programme_id: uuid.UUID) -> str:
    return f"{{programme:{programme_id}}}"


def tickets_key(programme_id: uuid.UUID) -> str:
    return f"{_tag(programme_id)}:tickets"


def line_key(programme_id: uuid.UUID) -> str:
    return f"{_tag(programme_id)}:line"


def place_key(programme_id: uuid.UUID, citizen_id: uuid.UUID) -> str:
    return f"{_tag(programme_id)}:place:{citizen_id}"


def joining_key(programme_id: uuid.UUID, citizen_id: uuid.UUID) -> str:
    return f"{_tag(programme_id)}:joining:{citizen_id}"


async def start_joining(
    client: redis.asyncio.Redis, programme_id: uuid.UUID, citizen_id: uuid.UUID
) -> str | None:
    """A token when this is the citizen's only join under way (None: another is): a second one at once
    (a double tap, many tabs) waits for the first rather than take a ticket too, each of which would
    stand, empty, ahead of everyone who joins after them and make their position and wait look longer."""
    token = secrets.token_hex(8)
    taken = await client.set(joining_key(programme_id, citizen_id), token, nx=True, ex=_JOINING_SECONDS)
    return token if taken else None


async def done_joining(
    client: redis.asyncio.Redis, programme_id: uuid.UUID, citizen_id: uuid.UUID, token: str
) -> None:
    """The mark removed if it is still this join's (one that outlived it may belong to the next join)."""
    await client.eval(_DROP_IF_MINE, 1, joining_key(programme_id, citizen_id), token)


async def next_ticket(client: redis.asyncio.Redis, db: Db, programme_id: uuid.UUID) -> int:
    """The next ticket; after a Redis restart, the counter starts again above every ticket held."""
    key = tickets_key(programme_id)
    for _ in range(3):
        ticket = int(await client.eval(_NEXT_TICKET, 1, key))
        if ticket > 0:
            return ticket
        await seed_counter(client, db, programme_id)
    raise RuntimeError("the ticket counter keeps disappearing")


async def seed_counter(client: redis.asyncio.Redis, db: Db, programme_id: uuid.UUID) -> None:
    """The counter raised to the highest ticket PostgreSQL holds (after a restart, or a reused ticket)."""
    await client.eval(
        _AT_LEAST, 1, tickets_key(programme_id), str(await queries.last_ticket(db, programme_id))
    )


async def read(
    client: redis.asyncio.Redis, programme_id: uuid.UUID, citizen_id: uuid.UUID
) -> tuple[bytes | None, bytes | None]:
    """The programme's line and the citizen's place, as cached: one round trip."""
    line, place = await client.mget([line_key(programme_id), place_key(programme_id, citizen_id)])
    return _bytes(line), _bytes(place)


def _bytes(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


async def keep_place(
    client: redis.asyncio.Redis, programme_id: uuid.UUID, citizen_id: uuid.UUID, place: PlaceRow
) -> None:
    await client.set(place_key(programme_id, citizen_id), _ENCODE.encode(place), ex=_PLACE_SECONDS)


async def keep_places(
    client: redis.asyncio.Redis, programme_id: uuid.UUID, places: dict[uuid.UUID, PlaceRow]
) -> None:
    async with client.pipeline(transaction=False) as pipe:
        for citizen_id, place in places.items():
            pipe.set(place_key(programme_id, citizen_id), _ENCODE.encode(place), ex=_PLACE_SECONDS)
        await pipe.execute()


async def keep_line(client: redis.asyncio.Redis, programme_id: uuid.UUID, line: Line) -> None:
    await client.set(line_key(programme_id), _ENCODE.encode(line), ex=_LINE_SECONDS)


async def build(db: Db, programme: ProgrammeRow, now: dt.datetime) -> Line:
    """The line as PostgreSQL has it. The rate is the one measured over the last minute while people were
    still waiting (admissions then ran at the pace the line allows); otherwise the rate the agency set."""
    admitted, first = await queries.admitted_last_minute(db, programme.id, now)
    per_second = float(programme.admit_per_second)
    if admitted and first is not None and await queries.still_waiting(db, programme.id):
        per_second = admitted / max(1.0, (now - first).total_seconds() + 1.0)
    return Line(
        opens_at=programme.opens_at,
        closes_at=programme.closes_at,
        admitted_through=programme.admitted_through,
        per_second=per_second,
    )
