"""SQL of the delivery worker: a batch's deliveries, their attempts and outcomes, the messages'
statuses that follow from them, and the retention that purges old texts and forgets old messages."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import msgspec

from backend.core.db import Connection, Db, Pool
from backend.core.partitions import Partitioned, drop_partition, expired_months, retention_cutoff
from notifications.queries.texts import JOIN_BODY, JOIN_CAMPAIGN, TEXTS, TTL, URGENCY

ATTEMPTS = Partitioned("delivery_attempts")
"""A partition per month (migration 0046): retention drops whole months (DELIVERY_METADATA_RETENTION_DAYS)."""
INBOX = Partitioned("notifications", key="id", uuid7=True, fillfactor=90, random_keys=True)
INBOX_DELIVERIES = Partitioned(
    "notification_deliveries", key="notification_id", uuid7=True, fillfactor=70, random_keys=True
)
"""The inbox and its deliveries, a partition per month of message ids (UUIDv7, migration 0060); a month's
deliveries are in the partition named like its messages'."""
BODIES = Partitioned("notification_bodies", key="notification_id", uuid7=True)
"""A message's own body and link, by the same months (migration 0065): NOTIFICATION_BODY_RETENTION_DAYS
drops them a month at a time (``drop_months_before``), long before the message itself goes. Every body was
written since 0065, so every key is a UUIDv7 and a body waiting in the DEFAULT partition is aged by it."""


class ToPush(msgspec.Struct, kw_only=True, frozen=True):
    """A delivery not yet in a final status, with its device (None once the device was removed: a delivery
    keeps the id it went to, migration 0063, so the device is what tells)."""

    id: int
    notification_id: uuid.UUID
    subscription_id: uuid.UUID | None
    endpoint: str | None
    p256dh: str | None
    auth: str | None
    title_th: str
    title_en: str
    body_th: str | None
    body_en: str | None
    url: str | None
    urgency: str
    ttl_seconds: int
    attempts_made: int
    verification_code: str | None


class StatusChanged(msgspec.Struct, kw_only=True, frozen=True):
    id: uuid.UUID
    status: str
    in_campaign: bool


# "cardinality($n) = 0 OR x = ANY($n)": the message ids, when the caller has them, let the planner read only
# their months' partitions (migration 0060); a plan made for the values folds the empty case away.
async def deliveries_for_push(
    connection: Connection,
    delivery_ids: list[int],
    notification_ids: list[uuid.UUID],
    final_statuses: Iterable[str],
) -> list[ToPush]:
    """The deliveries of a batch not yet in a final status, with the attempts already made on each;
    ``notification_ids``: their messages' ids, or none to look in every month."""
    # Not locked: the task's claim already makes this worker the only one on these deliveries.
    rows = await connection.fetch(
        f"""
        SELECT d.id, d.notification_id, s.id AS subscription_id,
               s.endpoint, s.p256dh, s.auth, {TEXTS}, {URGENCY}, {TTL}, n.verification_code,
               (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempts_made
        FROM notification_deliveries d
        JOIN notifications n ON n.id = d.notification_id
        LEFT JOIN push_subscriptions s ON s.id = d.subscription_id {JOIN_CAMPAIGN} {JOIN_BODY}
        WHERE d.id = ANY($1::bigint[]) AND d.status <> ALL($2::text[])
          AND (cardinality($3::uuid[]) = 0 OR d.notification_id = ANY($3::uuid[]))
          AND (cardinality($3::uuid[]) = 0 OR n.id = ANY($3::uuid[]))
        ORDER BY d.id
        """,  # noqa: S608 (the module's own SQL)
        delivery_ids,
        list(final_statuses),
        notification_ids,
    )
    return [msgspec.convert(dict(row), ToPush) for row in rows]


async def record_outcomes(
    connection: Connection,
    outcomes: list[tuple[int, int, int | None, str, str]],
    notification_ids: list[uuid.UUID],
) -> None:
    """Each (delivery id, attempt, status code, outcome, reason): an attempt row and the delivery's status;
    ``notification_ids``: the deliveries' messages."""
    columns = list(zip(*outcomes, strict=True))
    await connection.execute(
        """
        WITH outcome AS (
            SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[], $5::text[])
                AS o(delivery_id, attempt, status_code, outcome, reason)
        ), attempts AS (
            INSERT INTO delivery_attempts (delivery_id, attempt, status_code, outcome, reason)
            SELECT delivery_id, attempt, status_code, outcome, reason FROM outcome
        )
        UPDATE notification_deliveries d SET status = o.outcome, updated_at = now()
        FROM outcome o WHERE d.id = o.delivery_id AND d.notification_id = ANY($6::uuid[])
        """,
        *columns,
        notification_ids,
    )


async def refresh_notification_statuses(
    connection: Connection, notification_ids: list[uuid.UUID]
) -> list[StatusChanged]:
    """Each message's status follows its deliveries: delivered if any device got it. Returns the
    messages whose status changed, with the new status and whether each is a campaign's message."""
    rows = await connection.fetch(
        """
        UPDATE notifications n SET status = summary.status
        FROM (
            SELECT notification_id, CASE
                WHEN bool_or(status = 'delivered') THEN 'delivered'
                WHEN bool_or(status IN ('created', 'sending', 'temporary-failure')) THEN 'sending'
                WHEN bool_or(status = 'technical-failure') THEN 'technical-failure'
                ELSE 'permanent-failure' END AS status
            FROM notification_deliveries WHERE notification_id = ANY($1::uuid[])
            GROUP BY notification_id
        ) AS summary
        WHERE n.id = summary.notification_id AND n.id = ANY($1::uuid[])
          AND n.status IS DISTINCT FROM summary.status
        RETURNING n.id, n.status, n.campaign_id IS NOT NULL AS in_campaign
        """,
        notification_ids,
    )
    return [msgspec.convert(dict(row), StatusChanged) for row in rows]


async def purge_bodies(db: Db, older_than_days: int, batch: int) -> int:
    """Up to ``batch`` bodies and links kept in their message's own row (written before migration 0065, or
    by a replica not yet upgraded), cleared row by row; not a campaign's messages, which have none of
    their own (``purge_campaign_bodies`` takes their campaign's), nor those written since 0065, whose row
    has ``body_purged_at`` from the start (their bodies go a month at a time: ``BODIES``)."""
    result: str = await db.execute(
        """
        UPDATE notifications SET body_th = NULL, body_en = NULL, url = NULL, body_purged_at = now()
        WHERE id IN (
            SELECT id FROM notifications
            WHERE body_purged_at IS NULL AND campaign_id IS NULL
              AND created_at < now() - make_interval(days => $1)
            LIMIT $2 FOR UPDATE SKIP LOCKED
        )
        """,
        older_than_days,
        batch,
    )
    return int(result.rsplit(maxsplit=1)[-1])


async def purge_campaign_bodies(db: Db, older_than_days: int) -> int:
    """The bodies and links of campaigns expanded before the cutoff (a few rows: one per campaign), which
    are their messages' (none of them is rewritten); returns how many messages that was. A message goes
    on showing its body for as long after its own cutoff as its campaign took to expand (minutes)."""
    purged: int = await db.fetchval(
        """
        WITH purged AS (
            UPDATE notification_campaigns
            SET body_th = NULL, body_en = NULL, url = NULL, body_purged_at = now()
            WHERE body_purged_at IS NULL AND status = 'expanded'
              AND expanded_at < now() - make_interval(days => $1)
            RETURNING recipients
        )
        SELECT coalesce(sum(recipients), 0)::bigint FROM purged
        """,
        older_than_days,
    )
    return purged


async def drop_inbox_months(pool: Pool, older_than_days: int) -> list[str]:
    """The inbox's months that ended more than ``older_than_days`` ago, dropped whole: each month's
    deliveries and bodies (normally gone long before, unless kept as long as their messages), then its
    messages. Returns the messages' partitions dropped; one that could not have its lock at once is left to
    the next run. The deliveries' attempts go with their own months (ATTEMPTS)."""
    cutoff = await retention_cutoff(pool, older_than_days)
    messages = {name.removeprefix(INBOX.table): name for name in await expired_months(pool, INBOX, cutoff)}
    deliveries = {
        name.removeprefix(INBOX_DELIVERIES.table): name
        for name in await expired_months(pool, INBOX_DELIVERIES, cutoff)
    }
    bodies = {name.removeprefix(BODIES.table): name for name in await expired_months(pool, BODIES, cutoff)}
    dropped: list[str] = []
    for month in sorted(messages.keys() | deliveries.keys() | bodies.keys()):  # any may be gone already
        if month in deliveries and not await drop_partition(pool, deliveries[month]):
            continue
        if month in bodies and not await drop_partition(pool, bodies[month]):
            continue
        if month in messages and await drop_partition(pool, messages[month]):
            dropped.append(messages[month])
    return dropped


async def forget_stray_deliveries(pool: Pool, older_than_days: int, batch: int) -> int:
    """Up to ``batch`` deliveries of UUIDv7 messages past the period left in the deliveries' DEFAULT
    partition (their month's partition was never made, so the month's drop took none of them and their
    message is gone), deleted; returns how many. Deliveries of messages written before migration 0060
    (v4 ids, whose order says nothing of their age) go with their message (``forget_messages``)."""
    result: str = await pool.execute(
        """
        DELETE FROM notification_deliveries_default WHERE ctid = ANY(ARRAY(
            SELECT d.ctid FROM notification_deliveries_default d
            WHERE d.notification_id < uuid_v7_floor(now() - make_interval(days => $1))
              AND substring(d.notification_id::text, 15, 1) = '7'
              AND NOT EXISTS (SELECT FROM notifications n WHERE n.id = d.notification_id)
            LIMIT $2
        ))
        """,
        older_than_days,
        batch,
    )
    return int(result.rsplit(maxsplit=1)[-1])


async def forget_messages(pool: Pool, older_than_days: int, batch: int) -> int:
    """Up to ``batch`` messages no month's drop takes (those of the DEFAULT partition, and those written
    before the inbox was partitioned, migration 0060, whose ids are not UUIDv7) created more than
    ``older_than_days`` ago, deleted in one transaction with their bodies, their deliveries and the
    deliveries' attempts; returns how many. Found through the BRIN index of created_at (migration 0055); a
    message being written to (a late status) is skipped until the next run."""
    async with pool.acquire() as connection, connection.transaction():
        rows = await connection.fetch(
            """
            SELECT id FROM notifications
            WHERE created_at < now() - make_interval(days => $1)
              AND (substring(id::text, 15, 1) <> '7' OR tableoid = 'notifications_default'::regclass)
            LIMIT $2 FOR UPDATE SKIP LOCKED
            """,
            older_than_days,
            batch,
        )
        ids = [row["id"] for row in rows]
        if not ids:
            return 0
        await connection.execute(
            """
            DELETE FROM delivery_attempts WHERE delivery_id IN (
                SELECT id FROM notification_deliveries WHERE notification_id = ANY($1::uuid[])
            )
            """,
            ids,
        )
        await connection.execute(
            "DELETE FROM notification_deliveries WHERE notification_id = ANY($1::uuid[])", ids
        )
        await connection.execute(
            "DELETE FROM notification_bodies WHERE notification_id = ANY($1::uuid[])", ids
        )
        await connection.execute("DELETE FROM notifications WHERE id = ANY($1::uuid[])", ids)
    return len(ids)
