"""A campaign's progress as it moves, for the agency console watching it: server-sent events, ended when
every recipient is added and no message waits any more, or after 30 minutes (EventSource reconnects by
itself if the console still cares).

No polling: PostgreSQL announces a campaign whose counters or row changed when the change commits
(migration 0042), each API process listens once (``CampaignMoves``, supervised: see
``backend.core.notices``) and wakes the streams watching that campaign, each of which reads the progress
again (O(1): the counters) at most once a second however often it is woken. A stream subscribes first and
then reads, so nothing committed in between is missed; when the listening connection was lost and is back,
each stream reads once more (``backend.core.notices.follow``)."""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterator
from typing import cast

import msgspec
from litestar.datastructures import State

from backend.core.errors import NotFound
from backend.core.notices import Notices, by_id, follow
from backend.core.resources import Resources
from notifications.queries import campaigns as queries
from notifications.schemas import WAITING_STATUSES, CampaignProgress

CHANNEL = "campaign_progress"  # as migration 0042's triggers send it
_LIVE_MAX_SECONDS = 30 * 60


class CampaignMoves(Notices[str]):
    """The process's one listener for campaigns whose progress moved, by campaign id."""

    def __init__(self, dsn: str, **options: float) -> None:
        super().__init__(dsn, CHANNEL, by_id, **options)


def provide_campaign_moves(state: State) -> CampaignMoves:
    return cast(CampaignMoves, state.campaign_moves)


def finished(progress: CampaignProgress) -> bool:
    """Every recipient added and no message waiting: nothing will move any more."""
    return progress.status == "expanded" and not any(progress.counts.get(s) for s in WAITING_STATUSES)


async def watch(
    resources: Resources, moves: CampaignMoves, agency_id: int, campaign_id: uuid.UUID
) -> AsyncIterator[str]:
    """The agency's campaign's progress, as JSON for the event stream (404 for another's campaign)."""

    async def read() -> CampaignProgress:
        progress = await queries.campaign_progress(resources.pool, agency_id, campaign_id)
        if progress is None:  # another agency's (campaigns are never deleted)
            raise NotFound("No such campaign at this agency.")
        return progress

    return await follow(
        moves,
        str(campaign_id),
        read,
        encode=lambda progress: msgspec.json.encode(progress).decode(),
        waits=lambda progress: 0 if finished(progress) else math.inf,
        max_seconds=_LIVE_MAX_SECONDS,
    )
