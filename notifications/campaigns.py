"""Campaigns: one message to many citizens, expanded by the worker in chunks.

The request writes the campaign row and queues its first expansion task in one transaction. Each
expansion task (``notifications.tasks.expand_campaign``), in its own transaction, takes the next chunk
of recipients after the campaign's cursor (citizen ids in order), writes each one's inbox row and
delivery tasks, moves the cursor and queues the next chunk. A worker killed mid-chunk rolls that chunk
back, so it is redone whole: nobody gets the message twice or not at all. Progress is the campaign's
messages counted by status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import TYPE_CHECKING

import msgspec

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


class CampaignRef(msgspec.Struct, frozen=True):
    campaign_id: uuid.UUID


EXPAND_TASK = TaskKind("notifications.expand_campaign", CampaignRef)
"""Add a campaign's next chunk of recipients (handled by ``notifications.tasks``)."""
CHUNK_SIZE = 500


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
    created_by: str | None,
) -> tuple[str, bool]:
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
            EXPAND_TASK, CampaignRef(uuid.UUID(campaign_id)), run_after=request.send_at if later else None
        )
    return campaign_id, True


async def progress(resources: Resources, agency_id: int, campaign_id: str) -> CampaignProgress:
    found = await queries.campaign_progress(resources.pool, agency_id, campaign_id)
    if found is None:
        raise NotFound("No such campaign at this agency.")
    return found


async def expand_next_chunk(ctx: TaskContext, campaign_id: str) -> None:
    """The next chunk of recipients, in the task's transaction; queues the chunk after it, if any."""
    campaign = await queries.campaign_for_expansion(ctx.connection, campaign_id)
    if campaign is None or campaign.status == "expanded":
        return
    recipients = await queries.audience_chunk(
        ctx.connection, campaign.agency_id, campaign.audience, campaign.expanded_through, CHUNK_SIZE
    )
    await enqueue_campaign_chunk(ctx.work, campaign, recipients)
    more = len(recipients) == CHUNK_SIZE
    await queries.advance_campaign(
        ctx.connection, campaign_id, recipients[-1] if more else None, len(recipients)
    )
    if more:
        await ctx.work.add_task(EXPAND_TASK, CampaignRef(uuid.UUID(campaign_id)))
