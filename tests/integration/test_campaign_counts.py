"""A campaign's progress comes from counters its messages' statuses keep (migration 0038), not from
counting its messages: the counters must always equal that count, however the statuses move."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
from litestar import Litestar

from backend.core.resources import Resources
from backend.identity.service import Identity
from notifications.campaigns import range_bounds
from notifications.queries import campaigns
from notifications.queries.messages import set_notification_status
from notifications.schemas import NO_DEVICES
from tests.factories import make_agency, make_campaign, make_citizen, make_template


async def _recounted(resources: Resources, campaign_id: uuid.UUID) -> tuple[dict[str, int], int]:
    rows = await resources.pool.fetch(
        "SELECT status, count(*) AS n FROM notifications WHERE campaign_id = $1::uuid GROUP BY status",
        campaign_id,
    )
    inbox_only = await resources.pool.fetchval(
        "SELECT count(*) FROM notifications WHERE campaign_id = $1::uuid AND status_reason = $2",
        campaign_id,
        NO_DEVICES,
    )
    return {row["status"]: row["n"] for row in rows}, inbox_only


async def test_the_counters_follow_every_status_change_and_ignore_everything_else(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    identity: Identity = app.state.identity
    agency_id = await make_agency(pool, status="approved")
    campaign = await make_campaign(pool, agency_id, await make_template(pool, agency_id))
    assert (campaign.counts, campaign.inbox_only) == ({}, 0)
    citizens = [uuid.UUID(await make_citizen(pool, identity.cipher)) for _ in range(6)]
    async with pool.acquire() as connection, connection.transaction():
        stored = await campaigns.campaign_for_expansion(connection, campaign.id, lock=False)
        assert stored is not None
        inserted = await campaigns.insert_campaign_notifications(
            connection,
            stored,
            [(citizen, "created", None, None) for citizen in citizens[:4]]
            + [(citizen, "permanent-failure", NO_DEVICES, None) for citizen in citizens[4:]],
        )
    ids = [notification_id for notification_id, _ in inserted]

    # Moved on by several connections at once (as delivery workers do), one message twice.
    async def move(notification_id: uuid.UUID, status: str) -> None:
        async with pool.acquire() as connection:
            await set_notification_status(connection, notification_id, status, None)

    await asyncio.gather(
        move(ids[0], "sending"), move(ids[1], "delivered"), move(ids[2], "technical-failure")
    )
    await move(ids[0], "delivered")
    # Neither a read nor retention's removal is a status change: the counters keep the campaign's history.
    await pool.execute("UPDATE notifications SET read_at = now() WHERE id = ANY($1::uuid[])", ids)
    await pool.execute("DELETE FROM notifications WHERE id = $1::uuid", ids[5])

    progress = await campaigns.campaign_progress(pool, agency_id, campaign.id)
    assert progress is not None
    assert progress.counts == {"delivered": 2, "technical-failure": 1, "created": 1, "permanent-failure": 2}
    assert progress.inbox_only == 2
    recounted, inbox_only = await _recounted(resources, campaign.id)
    assert recounted == {**progress.counts, "permanent-failure": 1}  # all but the one retention removed
    assert inbox_only == 1


def test_the_migrations_name_the_same_inbox_only_reason_as_the_code() -> None:
    folder = Path(__file__).parents[2] / "notifications" / "migrations"
    text = (folder / "0038_campaign_counts.sql").read_text()
    assert text.count(f"'{NO_DEVICES}'") == 4  # insert, update (new and old rows), and the backfill
    text = (folder / "0059_campaign_counts_per_backend.sql").read_text()
    assert text.count(f"'{NO_DEVICES}'") == 3  # the trigger function again: insert, new and old rows


async def _two_backends_once_sharing_a_shard(dsn: str) -> tuple[asyncpg.Connection, asyncpg.Connection]:
    """Two connections whose backends' pids are equal modulo 16: the shard they shared before 0059."""
    opened: dict[int, asyncpg.Connection] = {}
    while True:
        connection = await asyncpg.connect(dsn)
        pid = connection.get_server_pid()
        if (twin := opened.pop(pid % 16, None)) is not None:
            await asyncio.gather(*(other.close() for other in opened.values()))
            return twin, connection
        opened[pid % 16] = connection


async def _campaign_and_two_citizens(
    app: Litestar, resources: Resources
) -> tuple[int, campaigns.Campaign, list[uuid.UUID]]:
    """An agency's campaign, as a chunk reads it, and two citizens to send it to."""
    identity: Identity = app.state.identity
    agency_id = await make_agency(resources.pool, status="approved")
    campaign = await make_campaign(resources.pool, agency_id, await make_template(resources.pool, agency_id))
    citizens = [uuid.UUID(await make_citizen(resources.pool, identity.cipher)) for _ in range(2)]
    async with resources.pool.acquire() as connection:
        stored = await campaigns.campaign_for_expansion(connection, campaign.id, lock=False)
    assert stored is not None
    return agency_id, stored, citizens


async def test_a_chunk_and_a_delivery_batch_on_backends_once_sharing_a_shard_do_not_deadlock(
    app: Litestar, resources: Resources
) -> None:
    """What stalled a 1 M campaign in make scale: a chunk inserts its messages as sending, then marks one
    without a device as a permanent failure, while a delivery batch elsewhere fails a message that was
    sending. Before migration 0059 the two backends' counters could be the same rows, taken in opposite
    orders (PostgreSQL reported a deadlock and the chunk's task gave up after eight)."""
    pool = resources.pool
    agency_id, stored, citizens = await _campaign_and_two_citizens(app, resources)
    async with pool.acquire() as connection, connection.transaction():
        [(sent, _)] = await campaigns.insert_campaign_notifications(
            connection, stored, [(citizens[0], "sending", None, None)]
        )
    assert resources.settings.database_url is not None
    chunk, batch = await _two_backends_once_sharing_a_shard(resources.settings.database_url)
    try:
        chunk_done = chunk.transaction()
        await chunk_done.start()
        [(added, _)] = await campaigns.insert_campaign_notifications(
            chunk, stored, [(citizens[1], "sending", None, None)]
        )
        batch_done = batch.transaction()
        await batch_done.start()
        failing = asyncio.create_task(set_notification_status(batch, sent, "permanent-failure", None))
        await asyncio.sleep(0.2)  # the batch's statement takes its counters (or waits for the chunk's)
        await set_notification_status(chunk, added, "permanent-failure", None)
        await chunk_done.commit()
        await failing
        await batch_done.commit()
    finally:
        await asyncio.gather(chunk.close(), batch.close())
    progress = await campaigns.campaign_progress(pool, agency_id, stored.id)
    assert progress is not None
    assert progress.counts == {"permanent-failure": 2}


async def test_two_ranges_finishing_chunks_side_by_side_do_not_deadlock_on_the_campaign(
    app: Litestar, resources: Resources
) -> None:
    """The second deadlock a 1 M make scale run met (141 times, until two ranges' tasks gave up): each
    chunk's inbox rows take a KEY SHARE lock on their campaign (the foreign key), then the chunk locks the
    campaign to count its recipients. With FOR UPDATE each chunk waited for the other's KEY SHARE."""
    pool = resources.pool
    agency_id, stored, citizens = await _campaign_and_two_citizens(app, resources)
    async with pool.acquire() as connection, connection.transaction():
        await campaigns.plan_ranges(connection, stored.id, range_bounds(2))
    async with pool.acquire() as first, pool.acquire() as second:
        chunks = [first.transaction(), second.transaction()]
        for connection, chunk, citizen in zip((first, second), chunks, citizens, strict=True):
            await chunk.start()
            await campaigns.insert_campaign_notifications(
                connection, stored, [(citizen, "sending", None, None)]
            )
        finishing = asyncio.create_task(campaigns.advance_range(second, stored.id, 1, None, 1))
        await asyncio.sleep(0.2)  # the second chunk asks for the campaign first
        following = asyncio.create_task(campaigns.advance_range(first, stored.id, 0, None, 1))
        await finishing
        await chunks[1].commit()
        await following  # it waited for the second chunk's commit, and sees its range done
        await chunks[0].commit()
    progress = await campaigns.campaign_progress(pool, agency_id, stored.id)
    assert progress is not None
    assert (progress.status, progress.recipients) == ("expanded", 2)
