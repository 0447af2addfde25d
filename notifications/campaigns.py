"""Campaigns: one message to many citizens, expanded by the worker in chunks.

The request writes the campaign row and queues its first expansion task in one transaction. Each
expansion task, in its own transaction, takes the next chunk of recipients after the campaign's
cursor (citizen ids in order), writes each one's inbox row and delivery tasks, moves the cursor and
queues the next chunk. A worker killed mid-chunk rolls that chunk back, so it is redone whole:
nobody gets the message twice or not at all. Progress is the campaign's messages counted by status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec

from backend.connectors.contract import EntitlementStatus
from backend.core.db import Pool
from backend.core.errors import Conflict
from backend.core.tasks import TaskContext, task_handler, unit_of_work
from notifications import queries
from notifications.service import enqueue_campaign_chunk, render, require_category_allowed

if TYPE_CHECKING:
    from saq.queue.base import Queue

EXPAND_TASK = "notifications.expand_campaign"
CHUNK_SIZE = 500


class AgencyFollowers(msgspec.Struct, tag_field="kind", tag="agency-followers", forbid_unknown_fields=True):
    """Everyone who has a tile of this agency among their favourites."""


class TileFollowers(msgspec.Struct, tag_field="kind", tag="tile-followers", forbid_unknown_fields=True):
    tile_id: int


class AgeRange(msgspec.Struct, tag_field="kind", tag="age-range", forbid_unknown_fields=True):
    min_age: Annotated[int, msgspec.Meta(ge=0, le=150)]
    max_age: Annotated[int, msgspec.Meta(ge=0, le=150)]

    def __post_init__(self) -> None:
        if self.min_age > self.max_age:
            raise ValueError("min_age must not be above max_age")


class EntitlementState(msgspec.Struct, tag_field="kind", tag="entitlement-state", forbid_unknown_fields=True):
    """Citizens whose last answer from this agency's connectors put them in ``status`` (for one scheme,
    or any): e.g. everyone eligible but not enrolled, told before they ask."""

    status: EntitlementStatus
    scheme_id: Annotated[str, msgspec.Meta(pattern="^[a-z0-9][a-z0-9-]{0,63}$")] | None = None


Audience = AgencyFollowers | TileFollowers | AgeRange | EntitlementState


class NewCampaign(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    audience: Audience
    template: Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9-]{1,59}$")]
    params: Annotated[
        dict[str, Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=30)
    ] = msgspec.field(default_factory=dict)
    urgency: Literal["normal", "high"] = "normal"
    ttl_seconds: Annotated[int, msgspec.Meta(ge=0, le=2_419_200)] = 86_400
    url: Annotated[str, msgspec.Meta(max_length=500, pattern="^/")] | None = None
    send_at: dt.datetime | None = None
    """When to start; now if absent or past."""
    idempotency_key: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    agency_id: int | None = None


async def start_campaign(
    pool: Pool,
    queue: Queue,
    *,
    agency_id: int,
    template: dict[str, Any],
    request: NewCampaign,
    created_by: str | None,
) -> tuple[str, bool]:
    """(campaign id, created now). The same idempotency key and body give the same campaign."""
    await require_category_allowed(pool, agency_id, template["category"], "template")
    texts = render(template, request.params)
    digest = hashlib.sha256(msgspec.json.encode(request)).digest()
    earlier = await queries.campaign_by_key(pool, agency_id, request.idempotency_key)
    if earlier is not None:
        if earlier["request_hash"] != digest:
            raise Conflict("This idempotency key was used for a different campaign.")
        return earlier["id"], False
    now = dt.datetime.now(dt.UTC)
    later = request.send_at is not None and request.send_at > now
    async with unit_of_work(pool, queue) as work:
        campaign_id = await queries.insert_campaign(
            work.connection,
            {
                **texts,
                "agency_id": agency_id,
                "template_id": template["id"],
                "category": template["category"],
                "url": request.url,
                "urgency": request.urgency,
                "ttl_seconds": request.ttl_seconds,
                "audience": msgspec.to_builtins(request.audience),
                "send_at": request.send_at,
                "status": "scheduled" if later else "expanding",
                "idempotency_key": request.idempotency_key,
                "request_hash": digest,
                "created_by": created_by,
            },
        )
        await work.add_task(EXPAND_TASK, campaign_id, run_after=request.send_at if later else None)
    return campaign_id, True


@task_handler(EXPAND_TASK)
async def expand_campaign(ctx: TaskContext, campaign_id: str) -> None:
    campaign = await queries.campaign_for_expansion(ctx.connection, campaign_id)
    if campaign is None or campaign["status"] == "expanded":
        return
    recipients = await queries.audience_chunk(
        ctx.connection, campaign["agency_id"], campaign["audience"], campaign["expanded_through"], CHUNK_SIZE
    )
    await enqueue_campaign_chunk(ctx.work, campaign, recipients)
    more = len(recipients) == CHUNK_SIZE
    await queries.advance_campaign(
        ctx.connection, campaign_id, recipients[-1] if more else None, len(recipients)
    )
    if more:
        await ctx.work.add_task(EXPAND_TASK, campaign_id)
