"""All SQL of the notifications feature."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from backend.core.db import Connection, Db


async def upsert_subscription(
    db: Db, *, citizen_id: str, endpoint: str, p256dh: str, auth: str, user_agent: str
) -> dict[str, Any]:
    row = await db.fetchrow(
        """
        INSERT INTO push_subscriptions (citizen_id, endpoint, p256dh, auth, user_agent)
        VALUES ($1::uuid, $2, $3, $4, $5)
        ON CONFLICT (endpoint) DO UPDATE SET citizen_id = EXCLUDED.citizen_id, p256dh = EXCLUDED.p256dh,
            auth = EXCLUDED.auth, user_agent = EXCLUDED.user_agent
        RETURNING id::text, endpoint, user_agent, created_at, last_success_at, last_failure_at,
                  last_failure_reason
        """,
        citizen_id,
        endpoint,
        p256dh,
        auth,
        user_agent,
    )
    assert row is not None
    return dict(row)


async def subscriptions(db: Db, citizen_id: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT id::text, endpoint, user_agent, created_at, last_success_at, last_failure_at,
               last_failure_reason
        FROM push_subscriptions WHERE citizen_id = $1::uuid ORDER BY created_at
        """,
        citizen_id,
    )
    return [dict(row) for row in rows]


async def delete_subscription(db: Db, citizen_id: str, subscription_id: str) -> bool:
    result: str = await db.execute(
        "DELETE FROM push_subscriptions WHERE id = $1::uuid AND citizen_id = $2::uuid",
        subscription_id,
        citizen_id,
    )
    return result.endswith(" 1")


async def add_template(
    db: Db, agency_id: int, fields: dict[str, Any], created_by: str | None
) -> dict[str, Any]:
    row = await db.fetchrow(
        """
        INSERT INTO notification_templates (agency_id, key, version, category, title_th, title_en, body_th,
                                            body_en, placeholders, created_by)
        VALUES ($1, $2, coalesce((SELECT max(version) FROM notification_templates
                                   WHERE agency_id = $1 AND key = $2), 0) + 1,
                $3, $4, $5, $6, $7, $8, $9::uuid)
        RETURNING id, key, version, category, title_th, title_en, body_th, body_en, placeholders, created_at
        """,
        agency_id,
        fields["key"],
        fields["category"],
        fields["title_th"],
        fields["title_en"],
        fields["body_th"],
        fields["body_en"],
        fields["placeholders"],
        created_by,
    )
    assert row is not None
    return dict(row)


async def latest_template(db: Db, agency_id: int, key: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT id, key, version, category, title_th, title_en, body_th, body_en, placeholders, created_at
        FROM notification_templates WHERE agency_id = $1 AND key = $2 ORDER BY version DESC LIMIT 1
        """,
        agency_id,
        key,
    )
    return dict(row) if row else None


async def latest_templates(db: Db, agency_id: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT DISTINCT ON (key)
               id, key, version, category, title_th, title_en, body_th, body_en, placeholders, created_at
        FROM notification_templates WHERE agency_id = $1 ORDER BY key, version DESC
        """,
        agency_id,
    )
    return [dict(row) for row in rows]


async def notification_by_key(
    db: Db, agency_id: int, national_id_hash: bytes, key: str
) -> dict[str, Any] | None:
    """The agency's message with this key to this national ID, held or the citizen's."""
    row = await db.fetchrow(
        """
        SELECT id::text, request_hash FROM notifications
        WHERE held_for = $2 AND agency_id = $1 AND idempotency_key = $3
        UNION ALL
        SELECT n.id::text, n.request_hash FROM citizens c JOIN notifications n ON n.citizen_id = c.id
        WHERE c.national_id_hash = $2 AND n.agency_id = $1 AND n.idempotency_key = $3
        LIMIT 1
        """,
        agency_id,
        national_id_hash,
        key,
    )
    return dict(row) if row else None


async def lock_national_id(connection: Connection, national_id_hash: bytes) -> None:
    """Until commit: a send to this national ID and the ID's first login never interleave, so a
    message is either held and then given at login, or sent to the citizen the login created."""
    await connection.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('national-id:' || encode($1, 'hex'), 0))",
        national_id_hash,
    )


async def give_held(connection: Connection, citizen_id: str, national_id_hash: bytes) -> int:
    """The messages held for this national ID become the citizen's (in their inbox at once)."""
    result: str = await connection.execute(
        "UPDATE notifications SET citizen_id = $1::uuid, held_for = NULL WHERE held_for = $2",
        citizen_id,
        national_id_hash,
    )
    return int(result.rsplit(" ", 1)[1])


async def insert_notification(connection: Connection, fields: dict[str, Any]) -> str:
    notification_id: str = await connection.fetchval(
        """
        INSERT INTO notifications (citizen_id, agency_id, template_id, title_th, title_en, body_th, body_en,
                                   url, urgency, ttl_seconds, idempotency_key, request_hash, campaign_id,
                                   created_at, held_for, from_platform)
        VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::uuid, coalesce($14, now()),
                $15, $16)
        RETURNING id::text
        """,
        fields["citizen_id"],
        fields["agency_id"],
        fields["template_id"],
        fields["title_th"],
        fields["title_en"],
        fields["body_th"],
        fields["body_en"],
        fields["url"],
        fields["urgency"],
        fields["ttl_seconds"],
        fields["idempotency_key"],
        fields["request_hash"],
        fields.get("campaign_id"),
        fields.get("created_at"),
        fields.get("held_for"),
        fields.get("from_platform", False),
    )
    return notification_id


async def set_notification_status(db: Db, notification_id: str, status: str, reason: str | None) -> None:
    await db.execute(
        "UPDATE notifications SET status = $2, status_reason = $3 WHERE id = $1::uuid",
        notification_id,
        status,
        reason,
    )


async def deliveries_for_push(
    connection: Connection, delivery_ids: list[int], final_statuses: Iterable[str]
) -> list[dict[str, Any]]:
    """The deliveries of a batch not yet in a final status, with the attempts already made on each."""
    # Not locked: the task's claim already makes this worker the only one on these deliveries.
    rows = await connection.fetch(
        """
        SELECT d.id, d.notification_id::text, d.subscription_id::text,
               s.endpoint, s.p256dh, s.auth,
               n.title_th, n.title_en, n.body_th, n.body_en, n.url, n.urgency, n.ttl_seconds,
               (SELECT count(*) FROM delivery_attempts a WHERE a.delivery_id = d.id) AS attempts_made
        FROM notification_deliveries d
        JOIN notifications n ON n.id = d.notification_id
        LEFT JOIN push_subscriptions s ON s.id = d.subscription_id
        WHERE d.id = ANY($1::bigint[]) AND d.status <> ALL($2::text[])
        ORDER BY d.id
        """,
        delivery_ids,
        list(final_statuses),
    )
    return [dict(row) for row in rows]


async def record_outcomes(
    connection: Connection, outcomes: list[tuple[int, int, int | None, str, str]]
) -> None:
    """Each (delivery id, attempt, status code, outcome, reason): an attempt row and the delivery's status."""
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
        FROM outcome o WHERE d.id = o.delivery_id
        """,
        *columns,
    )


async def subscriptions_succeeded(connection: Connection, subscription_ids: list[str]) -> None:
    await connection.execute(
        "UPDATE push_subscriptions SET last_success_at = now() WHERE id = ANY($1::uuid[])", subscription_ids
    )


async def subscriptions_failed(connection: Connection, failures: list[tuple[str, str]]) -> None:
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


async def remove_subscriptions(connection: Connection, subscription_ids: list[str]) -> None:
    await connection.execute("DELETE FROM push_subscriptions WHERE id = ANY($1::uuid[])", subscription_ids)


async def refresh_notification_statuses(
    connection: Connection, notification_ids: list[str]
) -> list[dict[str, Any]]:
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
        WHERE n.id = summary.notification_id AND n.status IS DISTINCT FROM summary.status
        RETURNING n.id::text, n.status, n.campaign_id IS NOT NULL AS in_campaign
        """,
        notification_ids,
    )
    return [dict(row) for row in rows]


async def inbox(db: Db, citizen_id: str, before: dt.datetime | None, limit: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT n.id::text, n.title_th, n.title_en, n.body_th, n.body_en, n.url, n.urgency, n.created_at,
               n.read_at, a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
        FROM notifications n JOIN agencies a ON a.id = n.agency_id
        WHERE n.citizen_id = $1::uuid AND n.deleted_at IS NULL AND n.created_at <= now()
          AND ($2::timestamptz IS NULL OR n.created_at < $2)
        ORDER BY n.created_at DESC LIMIT $3
        """,
        citizen_id,
        before,
        limit,
    )
    return [dict(row) for row in rows]


async def unread_count(db: Db, citizen_id: str) -> int:
    count: int = await db.fetchval(
        "SELECT count(*) FROM notifications "
        "WHERE citizen_id = $1::uuid AND deleted_at IS NULL AND read_at IS NULL AND created_at <= now()",
        citizen_id,
    )
    return count


async def mark_read(db: Db, citizen_id: str, notification_id: str) -> bool:
    result: str = await db.execute(
        """
        UPDATE notifications SET read_at = coalesce(read_at, now())
        WHERE id = $1::uuid AND citizen_id = $2::uuid AND deleted_at IS NULL
        """,
        notification_id,
        citizen_id,
    )
    return result.endswith(" 1")


async def delete_notification(db: Db, citizen_id: str, notification_id: str) -> bool:
    result: str = await db.execute(
        """
        UPDATE notifications SET deleted_at = now()
        WHERE id = $1::uuid AND citizen_id = $2::uuid AND deleted_at IS NULL
        """,
        notification_id,
        citizen_id,
    )
    return result.endswith(" 1")


async def notification_status(db: Db, agency_id: int, notification_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT n.id::text, n.status, n.status_reason, n.created_at,
               coalesce(json_agg(json_build_object('status', d.status, 'origin', d.endpoint_origin))
                        FILTER (WHERE d.id IS NOT NULL), '[]') AS deliveries
        FROM notifications n LEFT JOIN notification_deliveries d ON d.notification_id = n.id
        WHERE n.id = $1::uuid AND n.agency_id = $2
        GROUP BY n.id
        """,
        notification_id,
        agency_id,
    )
    return dict(row) if row else None


async def preferences(db: Db, citizen_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT quiet_start, quiet_end, timezone, opt_out_agencies, opt_out_categories, updated_at
        FROM notification_preferences WHERE citizen_id = $1::uuid
        """,
        citizen_id,
    )
    return dict(row) if row else None


async def save_preferences(db: Db, citizen_id: str, fields: dict[str, Any]) -> None:
    await db.execute(
        """
        INSERT INTO notification_preferences (citizen_id, quiet_start, quiet_end, timezone, opt_out_agencies,
                                              opt_out_categories)
        VALUES ($1::uuid, $2, $3, $4, $5, $6)
        ON CONFLICT (citizen_id) DO UPDATE SET quiet_start = EXCLUDED.quiet_start,
            quiet_end = EXCLUDED.quiet_end, timezone = EXCLUDED.timezone,
            opt_out_agencies = EXCLUDED.opt_out_agencies, opt_out_categories = EXCLUDED.opt_out_categories,
            updated_at = now()
        """,
        citizen_id,
        fields["quiet_start"],
        fields["quiet_end"],
        fields["timezone"],
        fields["opt_out_agencies"],
        fields["opt_out_categories"],
    )


async def support_search(db: Db, filters: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT n.id::text, n.citizen_id::text, c.national_id_key_id, c.national_id_ciphertext,
               n.agency_id, a.name_en AS agency_name_en, n.title_en, n.urgency, n.status, n.status_reason,
               n.created_at, n.read_at, n.deleted_at IS NOT NULL AS deleted_by_citizen
        FROM notifications n
        JOIN citizens c ON c.id = n.citizen_id
        JOIN agencies a ON a.id = n.agency_id
        WHERE ($1::uuid IS NULL OR n.citizen_id = $1::uuid)
          AND ($2::uuid IS NULL OR n.id = $2::uuid)
          AND ($3::bigint IS NULL OR n.agency_id = $3)
          AND ($4::text IS NULL OR n.status = $4)
          AND ($5::timestamptz IS NULL OR n.created_at >= $5)
          AND ($6::timestamptz IS NULL OR n.created_at < $6)
        ORDER BY n.created_at DESC, n.id
        LIMIT $7
        """,
        filters["citizen_id"],
        filters["notification_id"],
        filters["agency_id"],
        filters["status"],
        filters["since"],
        filters["until"],
        limit,
    )
    return [dict(row) for row in rows]


async def devices_for_support(db: Db, citizen_id: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT id::text, substring(endpoint FROM '^[a-z]+://[^/]+') AS push_service, user_agent, created_at,
               last_success_at, last_failure_at, last_failure_reason
        FROM push_subscriptions WHERE citizen_id = $1::uuid ORDER BY created_at
        """,
        citizen_id,
    )
    return [dict(row) for row in rows]


async def messages_for_support(db: Db, citizen_id: str, limit: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT n.id::text, n.agency_id, a.name_en AS agency_name_en, n.title_th, n.title_en, n.body_th,
               n.body_en, n.urgency, n.status, n.status_reason, n.created_at, n.read_at,
               n.deleted_at IS NOT NULL AS deleted_by_citizen
        FROM notifications n JOIN agencies a ON a.id = n.agency_id
        WHERE n.citizen_id = $1::uuid
        ORDER BY n.created_at DESC, n.id
        LIMIT $2
        """,
        citizen_id,
        limit,
    )
    return [dict(row) for row in rows]


async def attempts_for_support(db: Db, notification_ids: list[str]) -> list[dict[str, Any]]:
    """Each delivery of these messages with its attempts (a delivery with none yet has one row of nulls)."""
    rows = await db.fetch(
        """
        SELECT d.notification_id::text, d.id AS delivery_id, d.subscription_id::text, d.endpoint_origin,
               d.status AS delivery_status, d.updated_at, t.attempt, t.status_code, t.outcome, t.reason, t.at
        FROM notification_deliveries d
        LEFT JOIN delivery_attempts t ON t.delivery_id = d.id
        WHERE d.notification_id = ANY($1::uuid[])
        ORDER BY d.id, t.id
        """,
        notification_ids,
    )
    return [dict(row) for row in rows]


async def notification_owner(db: Db, notification_id: str) -> str | None:
    citizen_id: str | None = await db.fetchval(
        "SELECT citizen_id::text FROM notifications WHERE id = $1::uuid", notification_id
    )
    return citizen_id


async def purge_bodies(db: Db, older_than_days: int, batch: int) -> int:
    result: str = await db.execute(
        """
        UPDATE notifications SET body_th = NULL, body_en = NULL, url = NULL, body_purged_at = now()
        WHERE id IN (
            SELECT id FROM notifications
            WHERE body_purged_at IS NULL AND created_at < now() - make_interval(days => $1)
            LIMIT $2 FOR UPDATE SKIP LOCKED
        )
        """,
        older_than_days,
        batch,
    )
    return int(result.rsplit(maxsplit=1)[-1])


async def delete_old_attempts(db: Db, older_than_days: int, batch: int) -> int:
    result: str = await db.execute(
        """
        DELETE FROM delivery_attempts WHERE id IN (
            SELECT id FROM delivery_attempts WHERE at < now() - make_interval(days => $1) LIMIT $2
        )
        """,
        older_than_days,
        batch,
    )
    return int(result.rsplit(maxsplit=1)[-1])


async def campaign_by_key(db: Db, agency_id: int, key: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        "SELECT id::text, request_hash FROM notification_campaigns "
        "WHERE agency_id = $1 AND idempotency_key = $2",
        agency_id,
        key,
    )
    return dict(row) if row else None


async def insert_campaign(connection: Connection, fields: dict[str, Any]) -> str:
    campaign_id: str = await connection.fetchval(
        """
        INSERT INTO notification_campaigns (agency_id, template_id, category, title_th, title_en, body_th,
                                            body_en, url, urgency, ttl_seconds, audience, send_at, status,
                                            idempotency_key, request_hash, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::uuid)
        RETURNING id::text
        """,
        fields["agency_id"],
        fields["template_id"],
        fields["category"],
        fields["title_th"],
        fields["title_en"],
        fields["body_th"],
        fields["body_en"],
        fields["url"],
        fields["urgency"],
        fields["ttl_seconds"],
        fields["audience"],
        fields["send_at"],
        fields["status"],
        fields["idempotency_key"],
        fields["request_hash"],
        fields["created_by"],
    )
    return campaign_id


async def campaign_for_expansion(connection: Connection, campaign_id: str) -> dict[str, Any] | None:
    row = await connection.fetchrow(
        """
        SELECT id::text, agency_id, template_id, category, title_th, title_en, body_th, body_en, url,
               urgency, ttl_seconds, audience, status, expanded_through::text
        FROM notification_campaigns WHERE id = $1::uuid FOR UPDATE
        """,
        campaign_id,
    )
    return dict(row) if row else None


# Each audience lists citizen ids after a cursor, in id order, so chunks never overlap or skip.
_AUDIENCE_SQL = {
    "agency-followers": """
        SELECT DISTINCT f.citizen_id::text AS id FROM tile_favourites f JOIN tiles t ON t.id = f.tile_id
        WHERE t.agency_id = $1 AND ($2::uuid IS NULL OR f.citizen_id > $2::uuid)
        ORDER BY 1 LIMIT $3
    """,
    "tile-followers": """
        SELECT f.citizen_id::text AS id FROM tile_favourites f JOIN tiles t ON t.id = f.tile_id
        WHERE t.agency_id = $1 AND ($2::uuid IS NULL OR f.citizen_id > $2::uuid) AND f.tile_id = $4
        ORDER BY f.citizen_id LIMIT $3
    """,
    "age-range": """
        SELECT id::text FROM citizens
        WHERE $1::bigint IS NOT NULL AND ($2::uuid IS NULL OR id > $2::uuid)
          AND birthdate > (now() AT TIME ZONE 'Asia/Bangkok')::date - make_interval(years => $5 + 1)
          AND birthdate <= (now() AT TIME ZONE 'Asia/Bangkok')::date - make_interval(years => $4)
        ORDER BY id LIMIT $3
    """,
    "entitlement-state": """
        SELECT DISTINCT citizen_id::text AS id FROM entitlement_states
        WHERE agency_id = $1 AND ($2::uuid IS NULL OR citizen_id > $2::uuid)
          AND status = $4 AND ($5::text IS NULL OR scheme_id = $5)
        ORDER BY 1 LIMIT $3
    """,
}


async def audience_chunk(
    connection: Connection, agency_id: int, audience: dict[str, Any], after: str | None, limit: int
) -> list[str]:
    kind = audience["kind"]
    extra = {
        "agency-followers": (),
        "tile-followers": (audience.get("tile_id"),),
        "age-range": (audience.get("min_age"), audience.get("max_age")),
        "entitlement-state": (audience.get("status"), audience.get("scheme_id")),
    }[kind]
    rows = await connection.fetch(_AUDIENCE_SQL[kind], agency_id, after, limit, *extra)
    return [row["id"] for row in rows]


async def advance_campaign(connection: Connection, campaign_id: str, through: str | None, added: int) -> None:
    await connection.execute(
        """
        UPDATE notification_campaigns
        SET expanded_through = coalesce($2::uuid, expanded_through), recipients = recipients + $3,
            status = CASE WHEN $2::uuid IS NULL THEN 'expanded' ELSE 'expanding' END,
            expanded_at = CASE WHEN $2::uuid IS NULL THEN now() END
        WHERE id = $1::uuid
        """,
        campaign_id,
        through,
        added,
    )


async def campaign_progress(db: Db, agency_id: int, campaign_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT c.id::text, c.status, c.recipients, c.send_at, c.created_at, c.expanded_at,
               coalesce((SELECT jsonb_object_agg(status, n) FROM (
                   SELECT status, count(*) AS n FROM notifications WHERE campaign_id = c.id GROUP BY status
               ) AS counts), '{}') AS counts
        FROM notification_campaigns c WHERE c.id = $1::uuid AND c.agency_id = $2
        """,
        campaign_id,
        agency_id,
    )
    return dict(row) if row else None


async def tile_belongs_to(db: Db, tile_id: int, agency_id: int) -> bool:
    found: bool = await db.fetchval(
        "SELECT EXISTS (SELECT 1 FROM tiles WHERE id = $1 AND agency_id = $2)", tile_id, agency_id
    )
    return found


async def preferences_of(db: Db, citizen_ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT citizen_id::text, quiet_start, quiet_end, timezone, opt_out_agencies, opt_out_categories
        FROM notification_preferences WHERE citizen_id = ANY($1::uuid[])
        """,
        citizen_ids,
    )
    return {row["citizen_id"]: dict(row) for row in rows}


async def insert_campaign_notifications(
    connection: Connection, campaign: dict[str, Any], recipients: list[tuple[str, str, str | None]]
) -> list[tuple[str, str]]:
    """One inbox row per (citizen id, status, reason); returns (notification id, citizen id)."""
    rows = await connection.fetch(
        """
        INSERT INTO notifications (citizen_id, agency_id, template_id, title_th, title_en, body_th, body_en,
                                   url, urgency, ttl_seconds, idempotency_key, request_hash, campaign_id,
                                   status, status_reason)
        SELECT citizen_id, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'campaign:' || $13, '', $13::uuid,
               status, reason
        FROM unnest($1::uuid[], $2::text[], $3::text[]) AS recipients(citizen_id, status, reason)
        RETURNING id::text, citizen_id::text
        """,
        [citizen_id for citizen_id, _, _ in recipients],
        [status for _, status, _ in recipients],
        [reason for _, _, reason in recipients],
        campaign["agency_id"],
        campaign["template_id"],
        campaign["title_th"],
        campaign["title_en"],
        campaign["body_th"],
        campaign["body_en"],
        campaign["url"],
        campaign["urgency"],
        campaign["ttl_seconds"],
        campaign["id"],
    )
    return [(row["id"], row["citizen_id"]) for row in rows]


async def create_deliveries_for(connection: Connection, notification_ids: list[str]) -> list[tuple[int, str]]:
    """A delivery per device of each message's citizen; returns (delivery id, notification id)."""
    rows = await connection.fetch(
        """
        INSERT INTO notification_deliveries (notification_id, subscription_id, endpoint_origin)
        SELECT n.id, s.id, substring(s.endpoint FROM '^[a-z]+://[^/]+')
        FROM notifications n JOIN push_subscriptions s ON s.citizen_id = n.citizen_id
        WHERE n.id = ANY($1::uuid[])
        RETURNING id, notification_id::text
        """,
        notification_ids,
    )
    return [(row["id"], row["notification_id"]) for row in rows]


async def set_statuses(connection: Connection, notification_ids: list[str], status: str, reason: str) -> None:
    await connection.execute(
        "UPDATE notifications SET status = $2, status_reason = $3 WHERE id = ANY($1::uuid[])",
        notification_ids,
        status,
        reason,
    )


async def status_event(db: Db, notification_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT n.id::text AS notification_id, n.agency_id, n.idempotency_key, n.status, n.status_reason,
               n.created_at, count(d.id) FILTER (WHERE d.status = 'delivered') AS devices_delivered,
               count(d.id) AS devices
        FROM notifications n LEFT JOIN notification_deliveries d ON d.notification_id = n.id
        WHERE n.id = $1::uuid
        GROUP BY n.id
        """,
        notification_id,
    )
    return dict(row) if row else None


async def notification_for_release(db: Db, notification_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        """
        SELECT n.citizen_id::text, n.agency_id, n.urgency, coalesce(t.category, '') AS category,
               EXISTS (SELECT 1 FROM notification_deliveries d WHERE d.notification_id = n.id) AS routed,
               n.status, n.from_platform
        FROM notifications n LEFT JOIN notification_templates t ON t.id = n.template_id
        WHERE n.id = $1::uuid
        """,
        notification_id,
    )
    return dict(row) if row else None


async def still_eligible(
    connection: Connection, citizen_id: str, connector_id: int, scheme_id: str
) -> dict[str, Any] | None:
    """The scheme's state, if the citizen is still eligible for it but not enrolled."""
    row = await connection.fetchrow(
        """
        SELECT s.agency_id, s.scheme_name_th, s.scheme_name_en, s.how_to_claim_th, s.how_to_claim_en,
               s.status_since
        FROM entitlement_states s
        WHERE s.citizen_id = $1::uuid AND s.connector_id = $2 AND s.scheme_id = $3
          AND s.status = 'eligible_not_enrolled'
        """,
        citizen_id,
        connector_id,
        scheme_id,
    )
    return dict(row) if row else None


async def approved_for_emergency_alerts(db: Db, agency_id: int) -> bool:
    approved: bool = await db.fetchval(
        "SELECT EXISTS (SELECT 1 FROM emergency_alert_approvals WHERE agency_id = $1 AND revoked_at IS NULL)",
        agency_id,
    )
    return approved


async def approve_emergency_alerts(db: Db, agency_id: int, granted_by: str | None, reason: str) -> int | None:
    """The new approval's id; None when the agency is approved already."""
    approval_id: int | None = await db.fetchval(
        """
        INSERT INTO emergency_alert_approvals (agency_id, granted_by, grant_reason)
        VALUES ($1, $2::uuid, $3)
        ON CONFLICT (agency_id) WHERE revoked_at IS NULL DO NOTHING
        RETURNING id
        """,
        agency_id,
        granted_by,
        reason,
    )
    return approval_id


async def revoke_emergency_alerts(db: Db, approval_id: int, revoked_by: str | None) -> bool:
    result: str = await db.execute(
        "UPDATE emergency_alert_approvals SET revoked_at = now(), revoked_by = $2::uuid "
        "WHERE id = $1 AND revoked_at IS NULL",
        approval_id,
        revoked_by,
    )
    return result.endswith(" 1")


async def emergency_alert_approvals(db: Db, *, include_revoked: bool) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT e.id, e.agency_id, a.code AS agency_code, a.name_th AS agency_name_th,
               a.name_en AS agency_name_en, e.granted_by::text, e.granted_at, e.grant_reason,
               e.revoked_by::text, e.revoked_at
        FROM emergency_alert_approvals e JOIN agencies a ON a.id = e.agency_id
        WHERE $1 OR e.revoked_at IS NULL
        ORDER BY e.granted_at DESC, e.id DESC
        """,
        include_revoked,
    )
    return [dict(row) for row in rows]
