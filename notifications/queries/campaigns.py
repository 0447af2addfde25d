"""SQL of campaigns: one message to many citizens, its audience listed in chunks after a cursor, and
its progress counted from its messages."""

from __future__ import annotations

import datetime as dt

import msgspec

from backend.core.db import Connection, Db
from notifications.queries.messages import Earlier
from notifications.schemas import (
    AgencyFollowers,
    AgeRange,
    Audience,
    CampaignProgress,
    TileFollowers,
)


class NewCampaignRow(msgspec.Struct, kw_only=True, frozen=True):
    agency_id: int
    template_id: int
    category: str
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    url: str | None
    urgency: str
    ttl_seconds: int
    audience: Audience
    send_at: dt.datetime | None
    status: str
    idempotency_key: str
    request_hash: bytes
    created_by: str | None


class Campaign(msgspec.Struct, kw_only=True, frozen=True):
    """A campaign as its expansion reads it."""

    id: str
    agency_id: int
    template_id: int | None
    category: str
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    url: str | None
    urgency: str
    ttl_seconds: int
    audience: Audience
    status: str
    expanded_through: str | None


async def campaign_by_key(db: Db, agency_id: int, key: str) -> Earlier | None:
    row = await db.fetchrow(
        "SELECT id::text, request_hash FROM notification_campaigns "
        "WHERE agency_id = $1 AND idempotency_key = $2",
        agency_id,
        key,
    )
    return Earlier(id=row["id"], request_hash=row["request_hash"]) if row else None


async def insert_campaign(connection: Connection, campaign: NewCampaignRow) -> str:
    campaign_id: str = await connection.fetchval(
        """
        INSERT INTO notification_campaigns (agency_id, template_id, category, title_th, title_en, body_th,
                                            body_en, url, urgency, ttl_seconds, audience, send_at, status,
                                            idempotency_key, request_hash, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::uuid)
        RETURNING id::text
        """,
        campaign.agency_id,
        campaign.template_id,
        campaign.category,
        campaign.title_th,
        campaign.title_en,
        campaign.body_th,
        campaign.body_en,
        campaign.url,
        campaign.urgency,
        campaign.ttl_seconds,
        msgspec.to_builtins(campaign.audience),
        campaign.send_at,
        campaign.status,
        campaign.idempotency_key,
        campaign.request_hash,
        campaign.created_by,
    )
    return campaign_id


async def campaign_for_expansion(connection: Connection, campaign_id: str) -> Campaign | None:
    row = await connection.fetchrow(
        """
        SELECT id::text, agency_id, template_id, category, title_th, title_en, body_th, body_en, url,
               urgency, ttl_seconds, audience, status, expanded_through::text
        FROM notification_campaigns WHERE id = $1::uuid FOR UPDATE
        """,
        campaign_id,
    )
    return msgspec.convert(dict(row), Campaign) if row else None


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


def _audience_parameters(audience: Audience) -> tuple[str, tuple[object, ...]]:
    """Which of ``_AUDIENCE_SQL`` lists the audience, and its parameters after the first three."""
    if isinstance(audience, AgencyFollowers):
        return "agency-followers", ()
    if isinstance(audience, TileFollowers):
        return "tile-followers", (audience.tile_id,)
    if isinstance(audience, AgeRange):
        return "age-range", (audience.min_age, audience.max_age)
    return "entitlement-state", (audience.status, audience.scheme_id)


async def audience_chunk(
    connection: Connection, agency_id: int, audience: Audience, after: str | None, limit: int
) -> list[str]:
    kind, extra = _audience_parameters(audience)
    rows = await connection.fetch(_AUDIENCE_SQL[kind], agency_id, after, limit, *extra)
    return [row["id"] for row in rows]


async def audience_size(db: Db, agency_id: int, audience: Audience) -> int:
    """How many citizens the audience holds now: the same lists as the expansion, counted."""
    kind, extra = _audience_parameters(audience)
    size: int = await db.fetchval(
        f"SELECT count(*) FROM ({_AUDIENCE_SQL[kind]}) AS audience",  # noqa: S608 (the module's own SQL)
        agency_id,
        None,
        None,
        *extra,
    )
    return size


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


async def campaign_progress(db: Db, agency_id: int, campaign_id: str) -> CampaignProgress | None:
    """From the counters the messages' statuses keep (migration 0038): a few rows whatever the audience."""
    row = await db.fetchrow(
        """
        SELECT c.id::text, c.status, c.recipients, c.send_at, c.created_at, c.expanded_at,
               coalesce((SELECT jsonb_object_agg(status, n) FROM (
                   SELECT status, sum(n)::bigint AS n FROM campaign_counts WHERE campaign_id = c.id
                   GROUP BY status HAVING sum(n) <> 0
               ) AS counts), '{}') AS counts,
               (SELECT coalesce(sum(n), 0)::bigint FROM campaign_counts WHERE campaign_id = c.id
                  AND status = 'permanent-failure' AND inbox_only) AS inbox_only
        FROM notification_campaigns c WHERE c.id = $1::uuid AND c.agency_id = $2
        """,
        campaign_id,
        agency_id,
    )
    return msgspec.convert(dict(row), CampaignProgress) if row else None


async def tile_belongs_to(db: Db, tile_id: int, agency_id: int) -> bool:
    found: bool = await db.fetchval(
        "SELECT EXISTS (SELECT 1 FROM tiles WHERE id = $1 AND agency_id = $2)", tile_id, agency_id
    )
    return found


async def insert_campaign_notifications(
    connection: Connection, campaign: Campaign, recipients: list[tuple[str, str, str | None, str | None]]
) -> list[tuple[str, str]]:
    """One inbox row per (citizen id, status, reason, verification code); returns (notification id,
    citizen id)."""
    rows = await connection.fetch(
        """
        INSERT INTO notifications (citizen_id, agency_id, template_id, title_th, title_en, body_th, body_en,
                                   url, urgency, ttl_seconds, idempotency_key, request_hash, campaign_id,
                                   status, status_reason, verification_code)
        SELECT citizen_id, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'campaign:' || $13, '', $13::uuid,
               status, reason, code
        FROM unnest($1::uuid[], $2::text[], $3::text[], $14::text[])
            AS recipients(citizen_id, status, reason, code)
        RETURNING id::text, citizen_id::text
        """,
        [citizen_id for citizen_id, _, _, _ in recipients],
        [status for _, status, _, _ in recipients],
        [reason for _, _, reason, _ in recipients],
        campaign.agency_id,
        campaign.template_id,
        campaign.title_th,
        campaign.title_en,
        campaign.body_th,
        campaign.body_en,
        campaign.url,
        campaign.urgency,
        campaign.ttl_seconds,
        campaign.id,
        [code for _, _, _, code in recipients],
    )
    return [(row["id"], row["citizen_id"]) for row in rows]
