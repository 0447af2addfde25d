"""A campaign's progress as it moves, for the agency console watching it: server-sent events, ended when
every recipient is added and no message waits any more, or after 30 minutes (EventSource reconnects by
itself if the console still cares).

No polling: PostgreSQL announces a campaign whose counters or row changed when the change commits
(migration 0042), each API process listens once (``CampaignMoves``, supervised: see
``backend.core.notices``) and wakes the streams watching that campaign, each of which reads the progress
again (O(1): the counters) at most once a second however often it is woken. A stream subscribes first and
then reads, so nothing committed in between is missed; when the listening connection was lost and is back,
each stream reads once more."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import cast

import msgspec
from litestar.datastructures import State

from backend.core.errors import NotFound
from backend.core.notices import Notices, Subscription, Wake
from backend.core.resources import Resources
from notifications.queries import campaigns as queries
from notifications.schemas import WAITING_STATUSES, CampaignProgress

CHANNEL = "campaign_progress"  # as migration 0042's triggers send it
_LIVE_MAX_SECONDS = 30 * 60
_AT_MOST_EVERY_SECONDS = 1.0


def _decode(payload: str) -> tuple[str, str] | None:
    try:
        return str(uuid.UUID(payload)), payload
    except ValueError:
        return None


class CampaignMoves(Notices[str]):
    """The process's one listener for campaigns whose progress moved, by campaign id."""

    def __init__(self, dsn: str, **options: float) -> None:
        super().__init__(dsn, CHANNEL, _decode, **options)


def provide_campaign_moves(state: State) -> CampaignMoves:
    return cast(CampaignMoves, state.campaign_moves)


def finished(progress: CampaignProgress) -> bool:
    """Every recipient added and no message waiting: nothing will move any more."""
    return progress.status == "expanded" and not any(progress.counts.get(s) for s in WAITING_STATUSES)


async def watch(
    resources: Resources, moves: CampaignMoves, agency_id: int, campaign_id: uuid.UUID
) -> AsyncIterator[str]:
    """The agency's campaign's progress, as JSON for the event stream (404 for another's campaign)."""
    subscription = moves.subscribe(str(campaign_id))  # before the read: nothing after it is missed
    try:
        first = await queries.campaign_progress(resources.pool, agency_id, str(campaign_id))
        if first is None:
            raise NotFound("No such campaign at this agency.")
    except BaseException:
        subscription.close()
        raise
    return _progress(resources, subscription, agency_id, first)


async def _progress(
    resources: Resources, subscription: Subscription[str], agency_id: int, first: CampaignProgress
) -> AsyncIterator[str]:
    deadline = time.monotonic() + _LIVE_MAX_SECONDS
    progress = first
    try:
        yield _event(progress)
        while not finished(progress):
            heard = await subscription.next(deadline - time.monotonic())
            if heard is None or heard is Wake.CLOSED:
                return
            # Let a second pass since the last read, then read once for whatever was heard meanwhile.
            await asyncio.sleep(_AT_MOST_EVERY_SECONDS)
            if Wake.CLOSED in subscription.drain():
                return
            latest = await queries.campaign_progress(resources.pool, agency_id, progress.id)
            if latest is None:
                return
            if latest != progress:
                progress = latest
                yield _event(progress)
    finally:
        subscription.close()


def _event(progress: CampaignProgress) -> str:
    return msgspec.json.encode(progress).decode()
