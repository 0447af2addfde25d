"""Campaigns: one message to many citizens, expanded by the worker in chunks.

The request writes the campaign row and queues its first expansion task in one transaction. That task
(``notifications.tasks.expand_campaign`` without a range) cuts the citizen-id space into ranges, one per
``CITIZENS_PER_RANGE`` citizens up to ``MAX_RANGES``, and queues a task for each, so a large campaign
expands side by side on every worker. Each range's task, in its own transaction, takes the next chunk of
recipients after the range's cursor (citizen ids in order, walking an index), writes each one's inbox row
and delivery tasks, moves the cursor and queues the range's next chunk. A worker killed mid-chunk rolls
that chunk back, so it is redone whole: nobody gets the message twice or not at all. Progress is kept as
counters by the messages' statuses (migration 0038).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import TYPE_CHECKING

import msgspec
import structlog

from backend.core.db import Pool
from backend.core.errors import Conflict, NotFound, invalid
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.core.tasks import TaskContext, TaskKind, unit_of_work
from backend.identity.service import Identity
from notifications.queries import campaigns as queries
from notifications.queries.campaigns import NewCampaignRow
from notifications.schemas import (
    Audience,
    AudienceSize,
    CampaignProgress,
    NewCampaign,
    TemplateView,
    TileFollowers,
)
from notifications.sends import check_link, message_link, sending_agency, template_for
from notifications.service import enqueue_campaign_chunk, render, require_category_allowed

if TYPE_CHECKING:
    from saq.queue.base import Queue

_log = structlog.get_logger(__name__)


class CampaignRef(msgspec.Struct, frozen=True, omit_defaults=True):
    """A campaign to expand: ``range_no`` names one of its ranges; without it, the task plans them."""

    campaign_id: uuid.UUID
    range_no: int | None = None


EXPAND_TASK = TaskKind("notifications.expand_campaign", CampaignRef)
"""Plan a campaign's ranges, or add a range's next chunk (handled by ``notifications.tasks``)."""
CHUNK_SIZE = 500
# A range per this many citizens on the platform (PostgreSQL's estimate), at most MAX_RANGES: a campaign on
# a small platform is one chain, as before; at 66 M citizens one reaching everybody is 16 chains of ~4 M,
# which the workers' concurrency runs side by side.
CITIZENS_PER_RANGE = 250_000
MAX_RANGES = 16


async def reach(resources: Resources, agency_id: int, audience: Audience) -> AudienceSize:
    """How many citizens a campaign to this audience would reach now, for the sender to confirm."""
    await _require_own_tile(resources, agency_id, audience)
    return AudienceSize(citizens=await queries.audience_size(resources.pool, agency_id, audience))


async def _require_own_tile(resources: Resources, agency_id: int, audience: Audience) -> None:
    if isinstance(audience, TileFollowers) and not await queries.tile_belongs_to(
        resources.pool, audience.tile_id, agency_id
    ):
        raise invalid("audience.tile_id", "is not a tile of this agency")


async def start(
    resources: Resources, identity: Identity, principal: Principal, data: NewCampaign
) -> tuple[CampaignProgress, bool]:
    """(the campaign's progress, created now), for the agency named in the body (or the caller's only
    one): ``sends.sending_agency`` checks the caller may send for it."""
    check_link(data.url)
    agency_id = await sending_agency(principal, identity, resources, data.agency_id)
    await _require_own_tile(resources, agency_id, data.audience)
    template = await template_for(resources, agency_id, data.template)
    data = msgspec.structs.replace(data, url=await message_link(resources, agency_id, data.url))
    campaign_id, created = await start_campaign(
        resources.pool,
        resources.queue,
        agency_id=agency_id,
        template=template,
        request=data,
        created_by=principal.citizen_id,
    )
    progress = await queries.campaign_progress(resources.pool, agency_id, campaign_id)
    assert progress is not None
    return progress, created


async def start_campaign(
    pool: Pool,
    queue: Queue,
    *,
    agency_id: int,
    template: TemplateView,
    request: NewCampaign,
    created_by: uuid.UUID | None,
) -> tuple[uuid.UUID, bool]:
    """(campaign id, created now). The same idempotency key and body give the same campaign."""
    await require_category_allowed(pool, agency_id, template.category, "template")
    texts = render(template, request.params)
    digest = hashlib.sha256(msgspec.json.encode(request)).digest()
    earlier = await queries.campaign_by_key(pool, agency_id, request.idempotency_key)
    if earlier is not None:
        if earlier.request_hash != digest:
            raise Conflict("This idempotency key was used for a different campaign.")
        return earlier.id, False
    now = dt.datetime.now(dt.UTC)
    later = request.send_at is not None and request.send_at > now
    async with unit_of_work(pool, queue) as work:
        campaign_id = await queries.insert_campaign(
            work.connection,
            NewCampaignRow(
                agency_id=agency_id,
                template_id=template.id,
                category=template.category,
                title_th=texts["title_th"],
                title_en=texts["title_en"],
                body_th=texts["body_th"],
                body_en=texts["body_en"],
                url=request.url,
                urgency=request.urgency,
                ttl_seconds=request.ttl_seconds,
                audience=request.audience,
                send_at=request.send_at,
                status="scheduled" if later else "expanding",
                idempotency_key=request.idempotency_key,
                request_hash=digest,
                created_by=created_by,
            ),
        )
        await work.add_task(
            EXPAND_TASK, CampaignRef(campaign_id), run_after=request.send_at if later else None
        )
    return campaign_id, True


async def progress(resources: Resources, agency_id: int, campaign_id: uuid.UUID) -> CampaignProgress:
    found = await queries.campaign_progress(resources.pool, agency_id, campaign_id)
    if found is None:
        raise NotFound("No such campaign at this agency.")
    return found


def range_bounds(count: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """``count`` ranges (lower exclusive, upper inclusive) covering every citizen id in equal shares."""
    step = (1 << 128) // count
    edges = [queries.FIRST_ID.int + step * n for n in range(count)] + [queries.LAST_ID.int]
    return [(uuid.UUID(int=edges[n]), uuid.UUID(int=edges[n + 1])) for n in range(count)]


async def plan_expansion(ctx: TaskContext, campaign_id: uuid.UUID) -> None:
    """The campaign's ranges and a task for each, once (a repeated run finds them and does nothing). A
    campaign expanding when the ranges came (migration 0041) carries on from its cursor as one range."""
    campaign = await queries.campaign_for_expansion(ctx.connection, campaign_id, lock=True)
    if campaign is None or campaign.status == "expanded":
        return
    if campaign.expanded_through is not None:
        bounds = [(campaign.expanded_through, queries.LAST_ID)]
    else:
        citizens = await queries.citizens_estimate(ctx.connection)
        bounds = range_bounds(min(MAX_RANGES, max(1, citizens // CITIZENS_PER_RANGE)))
    for range_no in await queries.plan_ranges(ctx.connection, campaign_id, bounds):
        await ctx.work.add_task(EXPAND_TASK, CampaignRef(campaign_id, range_no))


RESUME_WITHIN = dt.timedelta(days=1)
"""How long after it was due a stalled campaign is resumed: a message a day late is still worth sending,
while one whose expansion keeps failing is not retried for ever (its failed tasks stay in the outbox)."""


async def resume_stalled_expansions(pool: Pool, queue: Queue) -> int:
    """Campaigns whose expansion stopped for good (a task out of attempts: a database away longer than its
    retries, a statement time-out) carry on from their cursors: the plan, or each range not done, gets a
    task again, for ``RESUME_WITHIN`` after the campaign was due. A range is locked for each chunk and its
    cursor moves with it, so even a range given two tasks adds each recipient once. Returns how many tasks
    it queued (run by the worker every five minutes)."""
    async with unit_of_work(pool, queue) as work:
        await work.connection.execute("SELECT pg_advisory_xact_lock(hashtext('resume_stalled_expansions'))")
        stalled = await queries.stalled_expansions(work.connection, EXPAND_TASK.name, RESUME_WITHIN)
        await work.add_tasks(
            EXPAND_TASK, [(CampaignRef(campaign, range_no), None) for campaign, range_no in stalled]
        )
    if stalled:
        _log.warning(
            "campaign_expansion_resumed",
            campaigns=len({campaign for campaign, _ in stalled}),
            tasks=len(stalled),
        )
    return len(stalled)


async def expand_next_chunk(ctx: TaskContext, campaign_id: uuid.UUID, range_no: int) -> None:
    """The range's next chunk of recipients, in the task's transaction; queues the chunk after it, if
    any."""
    found = await queries.range_for_expansion(ctx.connection, campaign_id, range_no)
    if found is None or found.done:
        return
    campaign = await queries.campaign_for_expansion(ctx.connection, campaign_id, lock=False)
    assert campaign is not None  # the range's foreign key
    recipients = await queries.audience_chunk(
        ctx.connection, campaign.agency_id, campaign.audience, found.expanded_through, found.upper, CHUNK_SIZE
    )
    await enqueue_campaign_chunk(ctx.work, campaign, recipients)
    more = len(recipients) == CHUNK_SIZE
    await queries.advance_range(
        ctx.connection, campaign_id, range_no, recipients[-1] if more else None, len(recipients)
    )
    if more:
        await ctx.work.add_task(EXPAND_TASK, CampaignRef(campaign_id, range_no))
