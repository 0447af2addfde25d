"""Programmes: an agency defines one; citizens join its line, are let in at its pace (``admission``), and
register once while their window lasts. PostgreSQL is written before anyone is answered; a poll reads
Redis (``line``) and goes to PostgreSQL only when the cache is missing or plainly behind."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import uuid

import asyncpg
import msgspec

from backend.core.errors import Conflict, NotFound
from backend.core.resources import Resources
from backend.programmes import line, queries
from backend.programmes.schemas import (
    Line,
    NewProgramme,
    PlaceRow,
    Programme,
    ProgrammeCounts,
    ProgrammeRow,
    ProgrammeStatus,
    QueueState,
    Registration,
)

# How often a waiting screen asks again: a tenth of the wait, kept between these (the PWA follows it).
POLL_MIN_SECONDS = 5
POLL_MAX_SECONDS = 120
POLL_ADMITTED_SECONDS = 30
POLL_SETTLED_SECONDS = 3600
_JOIN_TRIES = 5
_MEANWHILE_TRIES, _MEANWHILE_SECONDS = 12, 0.25
LATE_SUBMIT_GRACE = dt.timedelta(seconds=30)
"""A registration sent in the last seconds of its window and turned away (the door's 503 in a rush, a
dropped connection) comes back after its Retry-After: taken if it arrives this soon after the window."""


class ProgrammeNotOpen(Conflict):
    problem_type = "programme-not-open"
    title = "Registration for this programme has not opened yet"


class ProgrammeClosed(Conflict):
    problem_type = "programme-closed"
    title = "Registration for this programme has closed"


class NotYourTurn(Conflict):
    problem_type = "not-your-turn"
    title = "It is not your turn yet: you are still waiting in line"


class AdmissionLapsed(Conflict):
    problem_type = "admission-lapsed"
    title = "Your time to register has run out"


class LineBusy(Conflict):
    problem_type = "line-busy"
    title = "Too many people joined at the same moment; please try again"


LISTING_KEY = "programmes:not-closed"
LISTING_SECONDS = 5
_LISTING = msgspec.json.Decoder(list[ProgrammeRow])
_ROW = msgspec.json.Decoder(ProgrammeRow)
_PLACE = msgspec.json.Decoder(PlaceRow)
_LINE = msgspec.json.Decoder(Line)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def status_of(row: ProgrammeRow | Line, now: dt.datetime) -> ProgrammeStatus:
    if row.closes_at is not None and now >= row.closes_at:
        return "closed"
    return "open" if now >= row.opens_at else "upcoming"


def view(row: ProgrammeRow, now: dt.datetime) -> Programme:
    fields = {f: getattr(row, f) for f in Programme.__struct_fields__ if f != "status"}
    return Programme(**fields, status=status_of(row, now))


async def create(
    resources: Resources, agency_id: int, new: NewProgramme, created_by: uuid.UUID | None
) -> Programme:
    if new.closes_at is not None and new.closes_at <= new.opens_at:
        raise Conflict("A programme must close after it opens.")
    programme_id = await queries.insert_programme(resources.pool, agency_id, new, created_by)
    await resources.redis.delete(LISTING_KEY)
    return await programme(resources, programme_id)


async def close(resources: Resources, agency_id: int, programme_id: uuid.UUID) -> Programme:
    """Registration closed now by the agency (one opened by mistake, or made open-ended): nobody more
    joins or is let in; those already let in keep their window's grace to register, as at any close."""
    if not await queries.close(resources.pool, programme_id, agency_id):
        raise NotFound("There is no such programme.")
    async with resources.redis.pipeline(transaction=False) as pipe:  # one key a command: cluster-safe
        for key in (LISTING_KEY, line.line_key(programme_id), programme_key(programme_id)):
            pipe.delete(key)
        await pipe.execute()
    return await programme(resources, programme_id, agency_id)


async def programme(resources: Resources, programme_id: uuid.UUID, agency_id: int | None = None) -> Programme:
    """A citizen's page view reads Redis while a rush opens it (kept a few seconds, cleared when the
    agency closes it); its status is worked out afresh from the clock. The agency's reads PostgreSQL."""
    key = programme_key(programme_id)
    cached = await resources.redis.get(key) if agency_id is None else None
    if cached is not None:
        row: ProgrammeRow | None = _ROW.decode(cached)
    else:
        row = await queries.programme(resources.pool, programme_id, suspended_too=True)
        if row is not None and agency_id is None:
            await resources.redis.set(key, msgspec.json.encode(row), ex=LISTING_SECONDS)
    if row is None or (agency_id is not None and row.agency_id != agency_id):
        raise NotFound("There is no such programme.")
    return view(row, now_utc())


def programme_key(programme_id: uuid.UUID) -> str:
    return f"programme-page:{programme_id}"


async def listing(resources: Resources) -> list[Programme]:
    """Read from Redis while a rush opens it millions of times (kept a few seconds; a new programme
    clears it); each one's status is worked out afresh from the clock."""
    now = now_utc()
    cached = await resources.redis.get(LISTING_KEY)
    if cached is not None:
        rows = _LISTING.decode(cached)
    else:
        rows = await queries.not_closed(resources.pool, now)
        await resources.redis.set(LISTING_KEY, msgspec.json.encode(rows), ex=LISTING_SECONDS)
    return [view(row, now) for row in rows if row.closes_at is None or row.closes_at > now]


async def agency_listing(resources: Resources, agency_id: int) -> list[ProgrammeCounts]:
    now = now_utc()
    return [
        ProgrammeCounts(programme=view(row, now), joined=joined, admitted=admitted, registered=registered)
        for row, joined, admitted, registered in await queries.of_agency(resources.pool, agency_id)
    ]


def state_of(programme_id: uuid.UUID, place: PlaceRow, at: Line, now: dt.datetime) -> QueueState:
    """What the citizen's screen shows, from their place and the line's progress."""
    settled = QueueState(
        programme_id=programme_id,
        ticket=place.ticket,
        state="closed",
        admitted_until=place.admitted_until,
        poll_after_seconds=POLL_SETTLED_SECONDS,
    )
    if place.reference is not None:
        return msgspec.structs.replace(settled, state="registered", reference=place.reference)
    if place.admitted_until is not None:
        if now < place.admitted_until + LATE_SUBMIT_GRACE:  # still shown the button, a little past the time
            return msgspec.structs.replace(
                settled, state="admitted", poll_after_seconds=POLL_ADMITTED_SECONDS
            )
        # Lapsed: may join again at the back, while the programme is open; after that, closed.
        return settled if status_of(at, now) == "closed" else msgspec.structs.replace(settled, state="lapsed")
    if status_of(at, now) == "closed":
        return settled
    position = max(1, place.ticket - at.admitted_through)
    eta = math.ceil(position / at.per_second) if at.per_second > 0 else None
    poll = min(POLL_MAX_SECONDS, max(POLL_MIN_SECONDS, (eta or 0) // 10))
    return msgspec.structs.replace(
        settled, state="waiting", position=position, eta_seconds=eta, poll_after_seconds=poll
    )


def _behind(place: PlaceRow, at: Line, now: dt.datetime) -> bool:
    """The cached place is plainly older than the line: admitted since, or registered since its window."""
    if place.reference is not None:
        return False
    if place.admitted_until is None:
        return place.ticket <= at.admitted_through
    return now >= place.admitted_until + LATE_SUBMIT_GRACE


async def _line(
    resources: Resources, programme_id: uuid.UUID, cached: bytes | None, now: dt.datetime
) -> Line:
    if cached is not None:
        return _LINE.decode(cached)
    row = await queries.programme(resources.pool, programme_id, suspended_too=True)
    if row is None:
        raise NotFound("There is no such programme.")
    built = await line.build(resources.pool, row, now)
    await line.keep_line(resources.redis, programme_id, built)
    return built


async def _stored_place(
    resources: Resources, programme_id: uuid.UUID, citizen_id: uuid.UUID
) -> PlaceRow | None:
    place = await queries.place(resources.pool, programme_id, citizen_id)
    if place is not None:
        await line.keep_place(resources.redis, programme_id, citizen_id, place)
    return place


async def queue_state(resources: Resources, programme_id: uuid.UUID, citizen_id: uuid.UUID) -> QueueState:
    """A poll: one Redis read while the cache holds; PostgreSQL only when it is missing or behind."""
    now = now_utc()
    cached_line, cached_place = await line.read(resources.redis, programme_id, citizen_id)
    at = await _line(resources, programme_id, cached_line, now)
    place = _PLACE.decode(cached_place) if cached_place is not None else None
    if place is None or _behind(place, at, now):
        place = await _stored_place(resources, programme_id, citizen_id)
    if place is None:
        raise NotFound("You have not joined this programme's line.")
    return state_of(programme_id, place, at, now)


async def join(resources: Resources, programme_id: uuid.UUID, citizen_id: uuid.UUID) -> QueueState:
    """The citizen's place in line, taken once: joining again answers the same ticket."""
    now = now_utc()
    cached_line, cached_place = await line.read(resources.redis, programme_id, citizen_id)
    at = await _line(resources, programme_id, cached_line, now)
    place = _PLACE.decode(cached_place) if cached_place is not None else None
    if place is None:
        place = await _stored_place(resources, programme_id, citizen_id)
    lapsed_until: dt.datetime | None = None
    if place is not None:
        current = (
            await queue_state(resources, programme_id, citizen_id)
            if _behind(place, at, now)
            else state_of(programme_id, place, at, now)
        )
        if current.state != "lapsed" or status_of(at, now) != "open":
            return current
        stored = await _stored_place(resources, programme_id, citizen_id)  # as PostgreSQL has it now
        if stored is None:
            raise NotFound("You have not joined this programme's line.")
        if state_of(programme_id, stored, at, now).state != "lapsed":  # joined again a moment ago
            return state_of(programme_id, stored, at, now)
        lapsed_until = stored.admitted_until
    status = status_of(at, now)
    if status == "upcoming":
        raise ProgrammeNotOpen(f"Registration opens at {at.opens_at.isoformat()}.")
    if status == "closed" or await queries.programme(resources.pool, programme_id) is None:
        raise ProgrammeClosed()  # or its agency was suspended: nobody new is taken in
    # New, or lapsed: someone who missed their window joins again at the back, as anyone arriving now.
    token = await line.start_joining(resources.redis, programme_id, citizen_id)
    if token is None:
        return await _joined_meanwhile(resources, programme_id, citizen_id, at)
    try:
        # Read again under the mark: a join that ended since this one looked has written its place.
        stored = await queries.place(resources.pool, programme_id, citizen_id)
        if stored is not None and (state := state_of(programme_id, stored, at, now)).state != "lapsed":
            return state
        place = await _take_place(resources, programme_id, citizen_id, lapsed_until)
    finally:
        await line.done_joining(resources.redis, programme_id, citizen_id, token)
    await line.keep_place(resources.redis, programme_id, citizen_id, place)
    return state_of(programme_id, place, at, now)


async def _joined_meanwhile(
    resources: Resources, programme_id: uuid.UUID, citizen_id: uuid.UUID, at: Line
) -> QueueState:
    """The place another join of this citizen's, under way, takes (a waiting or admitted one, not the
    lapsed one it moves); LineBusy when it has not within a few seconds (press Join again)."""
    for _ in range(_MEANWHILE_TRIES):
        await asyncio.sleep(_MEANWHILE_SECONDS)
        place = await queries.place(resources.pool, programme_id, citizen_id)
        if place is not None and (state := state_of(programme_id, place, at, now_utc())).state != "lapsed":
            return state
    raise LineBusy()


class _CounterBehind(Exception):
    """A ticket below one held for a while: the counter went back (Redis restored from an old snapshot)."""


async def _take_place(
    resources: Resources,
    programme_id: uuid.UUID,
    citizen_id: uuid.UUID,
    lapsed_until: dt.datetime | None = None,
) -> PlaceRow:
    """A new place (or, given when it lapsed, the lapsed place moved to the back): the next ticket,
    written with a check that nobody who joined earlier holds a later one (else the counter went back
    and this ticket could be a gap ahead of them: raise it, try again)."""
    for _ in range(_JOIN_TRIES):
        ticket = await line.next_ticket(resources.redis, resources.pool, programme_id)
        try:
            async with resources.pool.acquire() as connection, connection.transaction():
                if lapsed_until is None:
                    inserted = await queries.insert_place(connection, programme_id, citizen_id, ticket)
                else:
                    # The place locked first, as registering locks it: the requeue's statement then sees
                    # a registration that committed while it waited (a submit in the window's grace).
                    await queries.place(connection, programme_id, citizen_id, lock=True)
                    inserted = await queries.requeue_place(
                        connection, programme_id, citizen_id, ticket, lapsed_until, LATE_SUBMIT_GRACE
                    )
                if inserted and await queries.later_ticket_held(connection, programme_id, ticket):
                    raise _CounterBehind
            if inserted:
                return PlaceRow(ticket=ticket)
        except (asyncpg.UniqueViolationError, _CounterBehind):
            # The ticket was given out before, or lies below ones given out: Redis lost or went back on
            # its counter since. Start above the highest ticket held.
            await line.seed_counter(resources.redis, resources.pool, programme_id)
            continue
        place = await queries.place(resources.pool, programme_id, citizen_id)  # joined at the same moment
        if place is not None:
            return place
    raise LineBusy()


def reference_for(programme_id: uuid.UUID, ticket: int) -> str:
    """Short enough to read out to the contact centre: the programme's first letters and the ticket."""
    return f"{programme_id.hex[:6].upper()}-{ticket:07d}"


async def register(
    resources: Resources, programme_id: uuid.UUID, citizen_id: uuid.UUID
) -> tuple[Registration, bool]:
    """The citizen's registration and whether it is new: once, only while their admission lasts. The
    place row is locked first, so submits at once queue on it; each then reads the registration afresh
    (a statement after the lock sees what the one before committed), and the table's key allows one."""
    async with resources.pool.acquire() as connection, connection.transaction():
        place = await queries.place(connection, programme_id, citizen_id, lock=True)
        if place is None:
            raise NotFound("You have not joined this programme's line.")
        stored = await queries.registration(connection, programme_id, citizen_id)
        new = stored is None
        if stored is None:
            if place.admitted_until is None:
                raise NotYourTurn()
            if now_utc() >= place.admitted_until + LATE_SUBMIT_GRACE:
                raise AdmissionLapsed()
            reference = reference_for(programme_id, place.ticket)
            registered_at = await queries.insert_registration(connection, programme_id, citizen_id, reference)
            assert registered_at is not None  # the place's lock keeps out a second writer
            stored = (reference, registered_at)
    reference, registered_at = stored
    await line.keep_place(
        resources.redis,
        programme_id,
        citizen_id,
        PlaceRow(ticket=place.ticket, admitted_until=place.admitted_until, reference=reference),
    )
    return Registration(programme_id=programme_id, reference=reference, registered_at=registered_at), new
