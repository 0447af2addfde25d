"""SQL of citizens' devices: push subscriptions, and what the delivery worker learns about each."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Connection, Db

_SUBSCRIPTION_COLUMNS = (
    "id, endpoint, user_agent, created_at, last_success_at, last_failure_at, last_failure_reason"
)


class SubscriptionRow(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    endpoint: str
    user_agent: str
    created_at: dt.datetime
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    last_failure_reason: str | None


async def upsert_subscription(
    db: Db, *, citizen_id: uuid.UUID, endpoint: str, p256dh: str, auth: str, user_agent: str
) -> SubscriptionRow:
    row = await db.fetchrow(
        f"""
        INSERT INTO push_subscriptions (citizen_id, endpoint, p256dh, auth, user_agent)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (endpoint) DO UPDATE SET citizen_id = EXCLUDED.citizen_id, p256dh = EXCLUDED.p256dh,
            auth = EXCLUDED.auth, user_agent = EXCLUDED.user_agent
        RETURNING {_SUBSCRIPTION_COLUMNS}
        """,  # noqa: S608
        citizen_id,
        endpoint,
        p256dh,
        auth,
        user_agent,
    )
    assert row is not None
    return SubscriptionRow(**row)


async def subscriptions(db: Db, citizen_id: uuid.UUID) -> list[SubscriptionRow]:
    rows = await db.fetch(
        f"SELECT {_SUBSCRIPTION_COLUMNS} FROM push_subscriptions "  # noqa: S608
        "WHERE citizen_id = $1 ORDER BY created_at",
        citizen_id,
    )
    return [SubscriptionRow(**row) for row in rows]


async def delete_subscription(db: Db, citizen_id: uuid.UUID, subscription_id: uuid.UUID) -> bool:
    result: str = await db.execute(
        "DELETE FROM push_subscriptions WHERE id = $1 AND citizen_id = $2",
        subscription_id,
        citizen_id,
    )
    return result.endswith(" 1")


async def subscriptions_succeeded(connection: Connection, subscription_ids: list[uuid.UUID]) -> None:
    """A device's last success, written at most once an hour unless it failed since (so its health is always
    right): a national campaign rewrites no device page, nor its whole-page image in the WAL, that a
    message of the last hour already wrote (13% of a campaign's WAL a message when written every time)."""
    await connection.execute(
        """
        UPDATE push_subscriptions SET last_success_at = now()
        WHERE id = ANY($1::uuid[])
          AND (last_success_at IS NULL OR last_success_at < now() - interval '1 hour'
               OR last_failure_at >= last_success_at)
        """,
        subscription_ids,
    )


async def subscriptions_failed(connection: Connection, failures: list[tuple[uuid.UUID, str]]) -> None:
    """Each (subscription id, reason in plain words)."""
    subscription_ids, reasons = zip(*failures, strict=True)
    await connection.execute(
        """
        UPDATE push_subscriptions s SET last_failure_at = now(), last_failure_reason = f.reason
        FROM unnest($1::uuid[], $2::text[]) AS f(id, reason) WHERE s.id = f.id
        """,
        list(subscription_ids),
        list(reasons),
    )


async def remove_subscriptions(connection: Connection, subscription_ids: list[uuid.UUID]) -> None:
    await connection.execute("DELETE FROM push_subscriptions WHERE id = ANY($1::uuid[])", subscription_ids)
