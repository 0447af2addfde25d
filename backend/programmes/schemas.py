"""Programmes' shapes: what an agency sends, the rows, and what a citizen's poll reads."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from backend.core.input import Input

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Description = Annotated[str, msgspec.Meta(max_length=1000)]
Rate = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
Window = Annotated[int, msgspec.Meta(ge=60, le=3600)]
Moment = Annotated[dt.datetime, msgspec.Meta(tz=True)]
"""With its offset: a time without one would be read in the server's own zone (UTC), hours off Thailand's."""

ProgrammeStatus = Literal["upcoming", "open", "closed"]
PlaceState = Literal["waiting", "admitted", "registered", "lapsed", "closed"]


class NewProgramme(Input, kw_only=True, forbid_unknown_fields=True):
    name_th: Name
    name_en: Name
    description_th: Description
    description_en: Description
    opens_at: Moment
    """Registration opens then; before it citizens see the time it opens."""
    closes_at: Moment | None = None
    admit_per_second: Rate
    """How many people are let in each second: what the agency's systems can take."""
    admission_window_seconds: Window = 600
    """How long someone let in has to register before their place lapses."""


class _Programme(msgspec.Struct, frozen=True, kw_only=True):
    """What a programme is, as stored and as shown."""

    id: uuid.UUID
    agency_id: int
    agency_name_th: str
    agency_name_en: str
    name_th: str
    name_en: str
    description_th: str
    description_en: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    admit_per_second: int
    admission_window_seconds: int


class ProgrammeRow(_Programme, frozen=True, kw_only=True):
    """The row, with how far admission has got."""

    admitted_through: int
    last_admitted_at: dt.datetime | None


class Programme(_Programme, frozen=True, kw_only=True):
    """What agencies and citizens see: its status worked out from the clock when asked."""

    status: ProgrammeStatus


class ProgrammeCounts(msgspec.Struct, frozen=True, kw_only=True):
    programme: Programme
    joined: int
    admitted: int
    registered: int


class PlaceRow(msgspec.Struct, frozen=True, kw_only=True):
    """A citizen's place as PostgreSQL holds it (and Redis caches it for polls)."""

    ticket: int
    admitted_until: dt.datetime | None = None
    reference: str | None = None


class Line(msgspec.Struct, frozen=True, kw_only=True):
    """What every poll of one programme shares, cached in Redis and written by each admission tick."""

    opens_at: dt.datetime
    closes_at: dt.datetime | None
    admitted_through: int
    per_second: float
    """Measured admissions per second over the last minute, or the set rate before any were measured."""


class QueueState(msgspec.Struct, frozen=True, kw_only=True):
    programme_id: uuid.UUID
    ticket: int
    state: PlaceState
    position: int | None = None
    """People ahead plus one, while waiting."""
    eta_seconds: int | None = None
    admitted_until: dt.datetime | None = None
    reference: str | None = None
    poll_after_seconds: int
    """When to ask again."""


class Registration(msgspec.Struct, frozen=True, kw_only=True):
    programme_id: uuid.UUID
    reference: str
    registered_at: dt.datetime
