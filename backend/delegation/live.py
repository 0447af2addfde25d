"""Help at a counter as it happens, for the two screens waiting on it: server-sent events instead of a
read every five seconds. The citizen's phone hears its grants' listing (``GET /api/v1/me/delegations``)
while a counter's request waits for it, help is on, or a code of its waits to be typed; the counter hears
its sessions while a request waits for the citizen. Each stream ends when nothing waits any more (a
request lapses, the hour ends: read once more then), or after 15 minutes (EventSource reconnects by
itself if the page still cares).

No polling: PostgreSQL announces each committed change of a grant to its grantor and its delegate
(migration 0044), each API process listens once (``DelegationChanges``, supervised: see
``backend.core.notices``) and wakes the streams of those two people, which read again at most once a
second (``follow``: subscribed before the first read, so nothing committed in between is missed)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import cast

import msgspec
from litestar.datastructures import State

from backend.core.notices import Notices, by_id, follow
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.delegation import assisted, service
from backend.delegation import assisted_queries as queries
from backend.delegation.schemas import CounterSessions, Delegations
from backend.identity.service import Identity

CHANNEL = "delegation_change"  # as migration 0044's trigger sends it
_LIVE_MAX_SECONDS = 15 * 60


class DelegationChanges(Notices[str]):
    """The process's one listener for people whose grants changed, by citizen id."""

    def __init__(self, dsn: str, **options: float) -> None:
        super().__init__(dsn, CHANNEL, by_id, **options)


def provide_delegation_changes(state: State) -> DelegationChanges:
    return cast(DelegationChanges, state.delegation_changes)


class _Mine(msgspec.Struct, frozen=True):
    listing: Delegations
    waiting: list[dt.datetime | None]
    """Until when each thing of the citizen's waits for a counter: a request, help, a code."""


def _seconds_until(moments: Iterable[dt.datetime | None]) -> float:
    last = max((moment for moment in moments if moment is not None), default=None)
    return 0.0 if last is None else (last - dt.datetime.now(dt.UTC)).total_seconds()


async def watch_mine(
    resources: Resources, changes: DelegationChanges, principal: Principal
) -> AsyncIterator[str]:
    """The caller's grants, as ``GET /api/v1/me/delegations`` lists them, while a counter waits on them."""
    me = citizen_of(principal)

    async def read() -> _Mine:
        listing = await service.listing(resources, principal)  # ends what is past its end first
        counter = [
            grant.ends_at
            for grant in listing.given
            if grant.kind == "assisted" and grant.status in ("invited", "active")
        ]
        return _Mine(listing, [*counter, await queries.code_lapses_at(resources.pool, me)])

    return await follow(
        changes,
        str(me),
        read,
        encode=lambda mine: msgspec.json.encode(mine.listing).decode(),
        waits=lambda mine: _seconds_until(mine.waiting),
        max_seconds=_LIVE_MAX_SECONDS,
    )


async def watch_counter(
    resources: Resources, changes: DelegationChanges, identity: Identity, staff_id: uuid.UUID
) -> AsyncIterator[str]:
    """The staff member's sessions, as ``GET /api/v1/counter/sessions`` lists them, while one is asked."""

    async def read() -> CounterSessions:
        return await assisted.sessions(resources, identity, staff_id)

    return await follow(
        changes,
        str(staff_id),
        read,
        encode=lambda sessions: msgspec.json.encode(sessions).decode(),
        waits=lambda sessions: _seconds_until(s.ends_at for s in sessions.sessions if s.status == "invited"),
        max_seconds=_LIVE_MAX_SECONDS,
    )
