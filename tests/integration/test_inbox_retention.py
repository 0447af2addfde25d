"""Inbox retention (NOTIFICATION_RETENTION_DAYS, migration 0055): the worker's daily maintenance deletes
the messages past the period with their deliveries and attempts, found through the BRIN index of their
creation time; recent messages stay whole, and an agency's webhook log may still name a message gone."""

from __future__ import annotations

import datetime as dt
import uuid

from litestar import Litestar

from backend.core.resources import Resources
from backend.identity.service import Identity
from backend.server.worker import maintain_partitions
from tests.factories import make_agency, make_citizen
from tests.factories.notifications import make_device, make_notification


async def _attempt(resources: Resources, notification_id: uuid.UUID, at: dt.datetime) -> None:
    await resources.pool.execute(
        """
        INSERT INTO delivery_attempts (delivery_id, attempt, status_code, outcome, reason, at)
        SELECT id, 1, 201, 'delivered', 'accepted', $2 FROM notification_deliveries
        WHERE notification_id = $1::uuid
        """,
        notification_id,
        at,
    )


async def test_messages_past_the_period_go_with_their_deliveries_and_attempts_and_recent_ones_stay(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    days = resources.settings.notification_retention_days
    identity: Identity = app.state.identity
    agency_id = await make_agency(pool, status="approved")
    citizen = await make_citizen(pool, identity.cipher)
    await make_device(pool, citizen)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=days + 1)
    just_inside = dt.datetime.now(dt.UTC) - dt.timedelta(days=days - 1)
    old = await make_notification(
        pool, citizen, agency_id, status="delivered", created_at=long_ago, with_deliveries=True
    )
    kept = [
        await make_notification(
            pool, citizen, agency_id, status="delivered", created_at=when, with_deliveries=True
        )
        for when in (just_inside, None)
    ]
    for message, when in ((old, long_ago), (kept[0], just_inside), (kept[1], dt.datetime.now(dt.UTC))):
        await _attempt(resources, message.id, when)
    await pool.execute(
        "INSERT INTO webhook_deliveries (agency_id, notification_id, attempt, status_code, outcome) "
        "VALUES ($1, $2::uuid, 1, 200, 'delivered')",
        agency_id,
        old.id,
    )

    async with pool.acquire() as connection, connection.transaction():
        await connection.execute("SET LOCAL enable_seqscan = off")  # a few rows: as over millions
        plan = "\n".join(
            row[0]
            for row in await connection.fetch(
                "EXPLAIN SELECT id FROM notifications WHERE created_at < now() - make_interval(days => $1)",
                days,
            )
        )
    # Found through an index on created_at (the BRIN one over millions of rows; on a few rows the planner
    # may take support's (agency_id, created_at) index instead), never by reading the whole table.
    assert "Seq Scan" not in plan, plan
    assert "Index Cond: (created_at <" in plan, plan

    await maintain_partitions({"resources": resources})

    remaining = await pool.fetch(
        """
        SELECT n.id::text, count(DISTINCT d.id) AS deliveries, count(a.id) AS attempts
        FROM notifications n JOIN notification_deliveries d ON d.notification_id = n.id
        JOIN delivery_attempts a ON a.delivery_id = d.id
        GROUP BY n.id ORDER BY n.created_at
        """
    )
    assert [tuple(row) for row in remaining] == [(str(kept[0].id), 1, 1), (str(kept[1].id), 1, 1)]
    assert await pool.fetchval("SELECT count(*) FROM notification_deliveries") == 2
    assert await pool.fetchval("SELECT count(*) FROM delivery_attempts") == 2
    # The agency's log of its webhook calls keeps its own period (WEBHOOK_DELIVERY_RETENTION_DAYS).
    assert await pool.fetchval(
        "SELECT notification_id::text FROM webhook_deliveries WHERE agency_id = $1", agency_id
    ) == str(old.id)
    # A second run finds nothing more to delete.
    await maintain_partitions({"resources": resources})
    assert await pool.fetchval("SELECT count(*) FROM notifications") == 2
