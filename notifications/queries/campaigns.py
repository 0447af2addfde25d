"""SQL of campaigns: one message to many citizens, its audience listed in chunks after a cursor, and
its progress counted from its messages."""

from __future__ import annotations

import datetime as dt
import uuid

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
    created_by: uuid.UUID | None


class Campaign(msgspec.Struct, kw_only=True, frozen=True):
    """A campaign as its expansion reads it."""

    id: uuid.UUID
    agency_id: int
    template_id: int | None
    category: str
    title_th: str
    title_en: str
    body_th: str | None
    body_en: str | None
    """None once retention purged it, which is only after the campaign was expanded."""
    url: str | None
    urgency: str
    ttl_seconds: int
    audience: Audience
    status: str
    expanded_through: uuid.UUID | None


async def campaign_by_key(db: Db, agency_id: int, key: str) -> Earlier | None:
    row = await db.fetchrow(
        "SELECT id, request_hash FROM notification_campaigns WHERE agency_id = $1 AND idempotency_key = $2",
        agency_id,
        key,
    )
    return Earlier(id=row["id"], request_hash=row["request_hash"]) if row else None


async def insert_campaign(connection: Connection, campaign: NewCampaignRow) -> uuid.UUID:
    campaign_id: uuid.UUID = await connection.fetchval(
        """
        INSERT INTO notification_campaigns (agency_id, template_id, category, title_th, title_en, body_th,
                                            body_en, url, urgency, ttl_seconds, audience, send_at, status,
                                            idempotency_key, request_hash, created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
        RETURNING id
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


async def campaign_for_expansion(
    connection: Connection, campaign_id: uuid.UUID, *, lock: bool
) -> Campaign | None:
    """The campaign; ``lock`` takes its row for the transaction (planning its ranges), as ``advance_range``
    does and for the same reason."""
    row = await connection.fetchrow(
        f"""
        SELECT id, agency_id, template_id, category, title_th, title_en, body_th, body_en, url,
               urgency, ttl_seconds, audience, status, expanded_through
        FROM notification_campaigns WHERE id = $1 {"FOR NO KEY UPDATE" if lock else ""}
        """,  # noqa: S608 (a fixed clause)
        campaign_id,
    )
    return msgspec.convert(dict(row), Campaign) if row else None


FIRST_ID = uuid.UUID(int=0)
LAST_ID = uuid.UUID(int=(1 << 128) - 1)

# Each audience lists citizen ids in (after, upper], in id order, so chunks never overlap or skip, and
# walks an index from ``after`` (a range condition an index can start from, never ``$2 IS NULL OR``):
# a chunk costs the same at the millionth recipient as at the first (migration 0041).
_AUDIENCE_SQL = {
    # agency_followers (agency_id, citizen_id), kept by the favourites' transactions.
    "agency-followers": """
        SELECT citizen_id AS id FROM agency_followers
        WHERE agency_id = $1 AND citizen_id > $2 AND citizen_id <= $4
        ORDER BY citizen_id LIMIT $3
    """,
    # tile_favourites_tile (tile_id, citizen_id); the join only checks the tile is the agency's.
    "tile-followers": """
        SELECT f.citizen_id AS id FROM tile_favourites f JOIN tiles t ON t.id = f.tile_id
        WHERE t.agency_id = $1 AND f.tile_id = $5 AND f.citizen_id > $2 AND f.citizen_id <= $4
        ORDER BY f.citizen_id LIMIT $3
    """,
    # citizens_id_birthdate (id) INCLUDE (birthdate), filtered by birth date without reading the table: a
    # chunk reads about 500 / (the range's share of citizens) index entries wherever it starts, since ids
    # are random. The bounds are computed once (the sub-selects), not per row.
    "age-range": """
        SELECT c.id FROM citizens c
        WHERE $1::bigint IS NOT NULL AND c.id > $2 AND c.id <= $4
          AND c.birthdate > (SELECT ((now() AT TIME ZONE 'Asia/Bangkok')::date
                                     - make_interval(years => $6 + 1))::date)
          AND c.birthdate <= (SELECT ((now() AT TIME ZONE 'Asia/Bangkok')::date
                                      - make_interval(years => $5))::date)
        ORDER BY c.id LIMIT $3
    """,
    # entitlement_states_audience_schemes (agency_id, status, citizen_id) INCLUDE (scheme_id); a citizen
    # with several schemes in the state comes once (grouped on the uuid, in the index's order: no sort).
    "entitlement-state": """
        SELECT citizen_id AS id FROM entitlement_states
        WHERE agency_id = $1 AND status = $5 AND citizen_id > $2 AND citizen_id <= $4
          AND ($6::text IS NULL OR scheme_id = $6)
        GROUP BY citizen_id ORDER BY citizen_id LIMIT $3
    """,
}


def audience_query(audience: Audience) -> tuple[str, tuple[object, ...]]:
    """The SQL listing the audience, and its parameters after the first four (agency id, after, limit,
    upper)."""
    if isinstance(audience, AgencyFollowers):
        return _AUDIENCE_SQL["agency-followers"], ()
    if isinstance(audience, TileFollowers):
        return _AUDIENCE_SQL["tile-followers"], (audience.tile_id,)
    if isinstance(audience, AgeRange):
        return _AUDIENCE_SQL["age-range"], (audience.min_age, audience.max_age)
    return _AUDIENCE_SQL["entitlement-state"], (audience.status, audience.scheme_id)


async def audience_chunk(
    connection: Connection, agency_id: int, audience: Audience, after: uuid.UUID, upper: uuid.UUID, limit: int
) -> list[uuid.UUID]:
    sql, extra = audience_query(audience)
    rows = await connection.fetch(sql, agency_id, after, limit, upper, *extra)
    return [row["id"] for row in rows]


async def audience_size(db: Db, agency_id: int, audience: Audience) -> int:
    """How many citizens the audience holds now: the same lists as the expansion, counted."""
    sql, extra = audience_query(audience)
    size: int = await db.fetchval(
        f"SELECT count(*) FROM ({sql}) AS audience",  # noqa: S608 (the module's own SQL)
        agency_id,
        FIRST_ID,
        None,
        LAST_ID,
        *extra,
    )
    return size


class Range(msgspec.Struct, frozen=True):
    """One range of a campaign's citizen-id space: its recipients are in (expanded_through, upper]."""

    expanded_through: uuid.UUID
    upper: uuid.UUID
    done: bool


async def citizens_estimate(connection: Connection) -> int:
    """PostgreSQL's estimate of the citizens table's rows (no count): enough to size a campaign's ranges."""
    estimate: float = await connection.fetchval(
        "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'citizens'::regclass"
    )
    return int(estimate)


async def plan_ranges(
    connection: Connection, campaign_id: uuid.UUID, bounds: list[tuple[uuid.UUID, uuid.UUID]]
) -> list[int]:
    """The campaign's ranges as (lower, upper) bounds, unless it has them already; returns the numbers of
    the ranges created now (none when an earlier run of the planning task created them)."""
    rows = await connection.fetch(
        """
        INSERT INTO notification_campaign_ranges (campaign_id, range_no, expanded_through, upper)
        SELECT $1::uuid, n - 1, lower, upper
        FROM unnest($2::uuid[], $3::uuid[]) WITH ORDINALITY AS bounds(lower, upper, n)
        ON CONFLICT (campaign_id, range_no) DO NOTHING
        RETURNING range_no
        """,
        campaign_id,
        [lower for lower, _ in bounds],
        [upper for _, upper in bounds],
    )
    await connection.execute(
        "UPDATE notification_campaigns SET status = 'expanding' WHERE id = $1 AND status = 'scheduled'",
        campaign_id,
    )
    return [row["range_no"] for row in rows]


async def range_for_expansion(connection: Connection, campaign_id: uuid.UUID, range_no: int) -> Range | None:
    """The range, locked for the chunk's transaction (a task run twice waits, then sees the cursor moved)."""
    row = await connection.fetchrow(
        """
        SELECT expanded_through, upper, done FROM notification_campaign_ranges
        WHERE campaign_id = $1 AND range_no = $2 FOR UPDATE
        """,
        campaign_id,
        range_no,
    )
    return Range(row["expanded_through"], row["upper"], row["done"]) if row else None


async def advance_range(
    connection: Connection, campaign_id: uuid.UUID, range_no: int, through: uuid.UUID | None, added: int
) -> None:
    """Move the range's cursor to ``through`` (``None``: the range is done) and count the recipients on
    the campaign, whose row is taken last so that ranges expanding side by side wait on it only for their
    commits. The last range to finish marks the campaign expanded: finishing ranges queue on the campaign's
    lock, and the second statement's fresh snapshot sees the ranges the others committed. The lock is FOR
    NO KEY UPDATE: each chunk's inbox rows already hold a KEY SHARE lock on the campaign (their foreign
    key), which FOR UPDATE would wait for, so two chunks each holding one and asking for FOR UPDATE would
    deadlock (a 1 M campaign's ranges did, 141 times)."""
    await connection.execute(
        """
        UPDATE notification_campaign_ranges
        SET expanded_through = coalesce($3::uuid, expanded_through), done = $3::uuid IS NULL
        WHERE campaign_id = $1 AND range_no = $2
        """,
        campaign_id,
        range_no,
        through,
    )
    await connection.execute(
        "SELECT 1 FROM notification_campaigns WHERE id = $1 FOR NO KEY UPDATE", campaign_id
    )
    await connection.execute(
        """
        UPDATE notification_campaigns c
        SET recipients = recipients + $2,
            status = CASE WHEN finished THEN 'expanded' ELSE 'expanding' END,
            expanded_at = CASE WHEN finished THEN now() END
        FROM (SELECT NOT EXISTS (SELECT 1 FROM notification_campaign_ranges
                                 WHERE campaign_id = $1 AND NOT done) AS finished) AS ranges
        WHERE c.id = $1
        """,
        campaign_id,
        added,
    )


async def campaign_progress(db: Db, agency_id: int, campaign_id: uuid.UUID) -> CampaignProgress | None:
    """From the counters the messages' statuses keep (migration 0038): a few rows whatever the audience."""
    row = await db.fetchrow(
        """
        SELECT c.id, c.status, c.recipients, c.send_at, c.created_at, c.expanded_at,
               coalesce((SELECT jsonb_object_agg(status, n) FROM (
                   SELECT status, sum(n)::bigint AS n FROM campaign_counts WHERE campaign_id = c.id
                   GROUP BY status HAVING sum(n) <> 0
               ) AS counts), '{}') AS counts,
               (SELECT coalesce(sum(n), 0)::bigint FROM campaign_counts WHERE campaign_id = c.id
                  AND status = 'permanent-failure' AND inbox_only) AS inbox_only
        FROM notification_campaigns c WHERE c.id = $1 AND c.agency_id = $2
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
    connection: Connection,
    campaign: Campaign,
    recipients: list[tuple[uuid.UUID, str, str | None, str | None]],
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """One inbox row per (citizen id, status, reason, verification code); returns (notification id,
    citizen id). The rows carry no text nor delivery settings: readers take the campaign's (migrations
    0049, 0053)."""
    rows = await connection.fetch(
        """
        INSERT INTO notifications (citizen_id, agency_id, campaign_id, status, status_reason,
                                   verification_code, from_platform)
        SELECT citizen_id, $4, $5::uuid, status, reason, code, NULL
        FROM unnest($1::uuid[], $2::text[], $3::text[], $6::text[])
            AS recipients(citizen_id, status, reason, code)
        RETURNING id, citizen_id
        """,
        [citizen_id for citizen_id, _, _, _ in recipients],
        [status for _, status, _, _ in recipients],
        [reason for _, _, reason, _ in recipients],
        campaign.agency_id,
        campaign.id,
        [code for _, _, _, code in recipients],
    )
    return [(row["id"], row["citizen_id"]) for row in rows]


async def stalled_expansions(
    connection: Connection, task: str, within: dt.timedelta
) -> list[tuple[uuid.UUID, int | None]]:
    """Campaigns due ``within`` ago or since, still to expand with no expansion task waiting (one ran out of
    attempts): each range not done, or (no ranges yet) the campaign's plan, as (campaign id, range number or
    None). While expansion runs, a range not done always has its next task waiting, written in the same
    transaction as its cursor. (A pending task's payload is read only when some campaign is expanding.)"""
    rows = await connection.fetch(
        """
        WITH waiting AS (
            SELECT (payload->>'campaign_id')::uuid AS campaign_id, (payload->>'range_no')::int AS range_no
            FROM task_outbox WHERE state = 'pending' AND task = $1
        )
        SELECT r.campaign_id, r.range_no::int AS range_no
        FROM notification_campaign_ranges r JOIN notification_campaigns c ON c.id = r.campaign_id
        WHERE c.status = 'expanding' AND NOT r.done
          AND coalesce(c.send_at, c.created_at) > now() - $2::interval
          AND NOT EXISTS (
              SELECT FROM waiting w WHERE w.campaign_id = r.campaign_id AND w.range_no = r.range_no
          )
        UNION ALL
        SELECT c.id, NULL FROM notification_campaigns c
        WHERE c.status IN ('scheduled', 'expanding')
          AND coalesce(c.send_at, c.created_at) > now() - $2::interval
          AND NOT EXISTS (SELECT FROM notification_campaign_ranges r WHERE r.campaign_id = c.id)
          AND NOT EXISTS (SELECT FROM waiting w WHERE w.campaign_id = c.id AND w.range_no IS NULL)
        """,
        task,
        within,
    )
    return [(row["campaign_id"], row["range_no"]) for row in rows]
