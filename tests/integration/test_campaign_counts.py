"""A campaign's progress comes from counters its messages' statuses keep (migration 0038), not from
counting its messages: the counters must always equal that count, however the statuses move."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from litestar import Litestar

from backend.core.resources import Resources
from backend.identity.service import Identity
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


def test_the_migration_names_the_same_inbox_only_reason_as_the_code() -> None:
    migration = Path(__file__).parents[2] / "notifications" / "migrations" / "0038_campaign_counts.sql"
    text = migration.read_text()
    assert text.count(f"'{NO_DEVICES}'") == 4  # insert, update (new and old rows), and the backfill
