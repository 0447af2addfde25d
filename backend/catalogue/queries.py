"""All SQL of the catalogue feature. Rows come back as the Structs of ``schemas``; the demo seed and
tests write tiles with ``create_tile``, ``insert_version`` (a ``TileContent``), ``publish``,
``record_review`` and ``set_favourite``."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.catalogue.schemas import (
    AgencyView,
    DecidedAgency,
    NewAgency,
    PublishedTile,
    TileContent,
    TileInReview,
    TileLock,
    TileRow,
    TileVersionView,
)
from backend.core.db import Db

_VERSION_COLUMNS = """
    title_th, title_en, description_th, description_en, icon, category, life_events,
    audience_min_age, audience_max_age, kind, link_url, sort_order, keywords, synonyms
"""


# --- agencies ---------------------------------------------------------------------------------


async def propose_agency(db: Db, agency: NewAgency, proposed_by: uuid.UUID) -> int | None:
    """A pending agency; None when the code is taken."""
    agency_id: int | None = await db.fetchval(
        """
        INSERT INTO agencies (code, name_th, name_en, logo_url, contact_email, contact_phone, proposed_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (code) DO NOTHING RETURNING id
        """,
        agency.code,
        agency.name_th,
        agency.name_en,
        agency.logo_url,
        agency.contact_email,
        agency.contact_phone,
        proposed_by,
    )
    return agency_id


_AGENCY_COLUMNS = "id, code, name_th, name_en, logo_url, contact_email, contact_phone, status, is_demo"


_LISTED = "($1::text IS NULL OR status = $1) AND NOT is_platform"


async def agencies(db: Db, status: str | None) -> list[AgencyView]:
    rows = await db.fetch(
        # The platform's own sender row (migration 0035) is no agency: not listed, not decided on.
        f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE {_LISTED} ORDER BY code",  # noqa: S608
        status,
    )
    return [msgspec.convert(dict(row), AgencyView) for row in rows]


async def agency(db: Db, agency_id: int) -> AgencyView | None:
    row = await db.fetchrow(
        f"SELECT {_AGENCY_COLUMNS} FROM agencies WHERE id = $1 AND NOT is_platform",  # noqa: S608
        agency_id,
    )
    return msgspec.convert(dict(row), AgencyView) if row else None


async def decide_agency(db: Db, agency_id: int, status: str, decided_by: uuid.UUID) -> DecidedAgency | None:
    row = await db.fetchrow(
        f"""
        WITH before AS (
            SELECT id, status AS previous_status FROM agencies WHERE id = $1 AND NOT is_platform FOR UPDATE
        )
        UPDATE agencies a SET status = $2, decided_by = $3, decided_at = now(), updated_at = now()
        FROM before WHERE a.id = before.id
        RETURNING {", ".join("a." + c.strip() for c in _AGENCY_COLUMNS.split(","))}, a.proposed_by,
                  before.previous_status
        """,  # noqa: S608
        agency_id,
        status,
        decided_by,
    )
    if row is None:
        return None
    return DecidedAgency(
        agency=msgspec.convert(dict(row), AgencyView),
        proposed_by=row["proposed_by"],
        previous_status=row["previous_status"],
    )


# --- tiles (agency side) ----------------------------------------------------------------------


async def create_tile(db: Db, agency_id: int) -> int:
    tile_id: int = await db.fetchval(
        "INSERT INTO tiles (agency_id, draft_version, draft_state) VALUES ($1, 1, 'draft') RETURNING id",
        agency_id,
    )
    return tile_id


async def insert_version(
    db: Db, tile_id: int, version: int, content: TileContent, created_by: uuid.UUID | None
) -> None:
    await db.execute(
        f"""
        INSERT INTO tile_versions (tile_id, version, created_by, {_VERSION_COLUMNS})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
        """,  # noqa: S608
        tile_id,
        version,
        created_by,
        content.title_th,
        content.title_en,
        content.description_th,
        content.description_en,
        content.icon,
        content.category,
        content.life_events,
        content.audience_min_age,
        content.audience_max_age,
        content.kind,
        content.link_url,
        content.sort_order,
        content.keywords,
        content.synonyms,
    )


async def tile_for_update(db: Db, agency_id: int, tile_id: int) -> TileLock | None:
    row = await db.fetchrow(
        """
        SELECT id, agency_id, draft_version, draft_state, published_version, retired_at,
               (SELECT max(version) FROM tile_versions WHERE tile_id = tiles.id) AS latest_version
        FROM tiles WHERE id = $1 AND agency_id = $2 FOR UPDATE
        """,
        tile_id,
        agency_id,
    )
    return msgspec.convert(dict(row), TileLock) if row else None


async def set_draft(
    db: Db, tile_id: int, version: int | None, state: str | None, comment: str | None
) -> None:
    await db.execute(
        """
        UPDATE tiles SET draft_version = $2, draft_state = $3, review_comment = $4, updated_at = now()
        WHERE id = $1
        """,
        tile_id,
        version,
        state,
        comment,
    )


async def publish(db: Db, tile_id: int, version: int) -> None:
    await db.execute(
        """
        UPDATE tiles SET published_version = $2, draft_version = NULL, draft_state = NULL,
                         review_comment = NULL, retired_at = NULL, updated_at = now()
        WHERE id = $1
        """,
        tile_id,
        version,
    )


async def retire(db: Db, tile_id: int, reason: str | None = None) -> None:
    await db.execute(
        "UPDATE tiles SET retired_at = now(), draft_version = NULL, draft_state = NULL, review_comment = $2, "
        "updated_at = now() WHERE id = $1",
        tile_id,
        reason,
    )


async def record_review(
    db: Db,
    *,
    tile_id: int,
    version: int,
    action: str,
    comment: str | None,
    actor: uuid.UUID | None,
    client: str | None,
) -> None:
    await db.execute(
        """
        INSERT INTO tile_reviews (tile_id, version, action, comment, actor, agency_client)
        VALUES ($1, $2, $3, $4, $5, $6)
        """,
        tile_id,
        version,
        action,
        comment,
        actor,
        client,
    )


# A tile with its draft and published versions, as agencies and reviewers see it.
_TILE_VIEW = """
    SELECT t.id, t.agency_id, t.draft_version, t.draft_state, t.published_version, t.review_comment,
           t.retired_at, t.updated_at,
           to_jsonb(d) - 'tile_id' - 'created_by' - 'search_text' AS draft,
           to_jsonb(p) - 'tile_id' - 'created_by' - 'search_text' AS published
    FROM tiles t
    LEFT JOIN tile_versions d ON d.tile_id = t.id AND d.version = t.draft_version
    LEFT JOIN tile_versions p ON p.tile_id = t.id AND p.version = t.published_version
"""


async def agency_tiles(db: Db, agency_id: int, tile_id: int | None = None) -> list[TileRow]:
    rows = await db.fetch(
        _TILE_VIEW + "WHERE t.agency_id = $1 AND ($2::bigint IS NULL OR t.id = $2) ORDER BY t.id",
        agency_id,
        tile_id,
    )
    return [msgspec.convert(dict(row), TileRow) for row in rows]


async def tile_versions(db: Db, agency_id: int, tile_id: int) -> list[TileVersionView]:
    rows = await db.fetch(
        f"""
        SELECT v.version, v.created_at, {_VERSION_COLUMNS}
        FROM tile_versions v JOIN tiles t ON t.id = v.tile_id
        WHERE v.tile_id = $1 AND t.agency_id = $2 ORDER BY v.version DESC
        """,  # noqa: S608
        tile_id,
        agency_id,
    )
    return [msgspec.convert(dict(row), TileVersionView) for row in rows]


async def tiles_in_review(db: Db) -> list[TileRow]:
    rows = await db.fetch(_TILE_VIEW + "WHERE t.draft_state = 'in_review' ORDER BY t.updated_at")
    return [msgspec.convert(dict(row), TileRow) for row in rows]


async def submitters(db: Db, tile_ids: list[int]) -> dict[int, tuple[str | None, str | None, str | None]]:
    """Who last submitted each tile for review: the person's names, or the machine client's name."""
    rows = await db.fetch(
        """
        SELECT DISTINCT ON (r.tile_id) r.tile_id, c.name_th, c.name_en, k.name AS client
        FROM tile_reviews r LEFT JOIN citizens c ON c.id = r.actor
        LEFT JOIN agency_clients k ON k.client_id = r.agency_client
        WHERE r.tile_id = ANY($1::bigint[]) AND r.action = 'submitted'
        ORDER BY r.tile_id, r.at DESC
        """,
        tile_ids,
    )
    return {row["tile_id"]: (row["name_th"], row["name_en"], row["client"]) for row in rows}


async def tile_in_review_for_update(db: Db, tile_id: int) -> TileInReview | None:
    row = await db.fetchrow(
        "SELECT id, agency_id, draft_version FROM tiles WHERE id = $1 AND draft_state = 'in_review' "
        "FOR UPDATE",
        tile_id,
    )
    return msgspec.convert(dict(row), TileInReview) if row else None


# --- the citizens' catalogue ------------------------------------------------------------------


async def published_catalogue(db: Db) -> list[PublishedTile]:
    rows = await db.fetch(
        f"""
        SELECT t.id, a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en,
               v.version, {_VERSION_COLUMNS}
        FROM tiles t
        JOIN tile_versions v ON v.tile_id = t.id AND v.version = t.published_version
        JOIN agencies a ON a.id = t.agency_id
        WHERE t.retired_at IS NULL AND a.status = 'approved'
        ORDER BY v.sort_order, t.id
        """  # noqa: S608
    )
    return [msgspec.convert(dict(row), PublishedTile) for row in rows]


async def search(db: Db, query: str) -> dict[int, float]:
    """Published tiles whose text, keywords, synonyms or agency match ``query``, by id with their score (best
    first): the query found within, or close to some stretch of it despite typos (pg_trgm's word
    similarity above its threshold, 0.6 unless the database says otherwise)."""
    rows = await db.fetch(
        """
        SELECT t.id, greatest(word_similarity(q.needle, v.search_text), word_similarity(q.needle, a.text),
                              (strpos(v.search_text, q.needle) > 0)::int) AS score
        FROM (SELECT catalogue_search_text($1) AS needle) q
        CROSS JOIN tiles t
        JOIN tile_versions v ON v.tile_id = t.id AND v.version = t.published_version
        CROSS JOIN LATERAL (
            SELECT catalogue_search_text(name_th || ' ' || name_en) AS text, status
            FROM agencies WHERE id = t.agency_id
        ) a
        WHERE t.retired_at IS NULL AND a.status = 'approved'
          AND (q.needle <% v.search_text OR strpos(v.search_text, q.needle) > 0 OR q.needle <% a.text)
        ORDER BY score DESC, t.id
        """,
        query,
    )
    return {row["id"]: row["score"] for row in rows}


async def favourites(db: Db, citizen_id: uuid.UUID) -> list[int]:
    rows = await db.fetch(
        "SELECT tile_id FROM tile_favourites WHERE citizen_id = $1 ORDER BY created_at DESC", citizen_id
    )
    return [row["tile_id"] for row in rows]


async def recently_used(db: Db, citizen_id: uuid.UUID, limit: int) -> list[int]:
    rows = await db.fetch(
        "SELECT tile_id FROM tile_usage WHERE citizen_id = $1 ORDER BY last_used_at DESC LIMIT $2",
        citizen_id,
        limit,
    )
    return [row["tile_id"] for row in rows]


async def set_favourite(db: Db, citizen_id: uuid.UUID, tile_id: int, favourite: bool) -> None:
    if favourite:
        await db.execute(
            "INSERT INTO tile_favourites (citizen_id, tile_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            citizen_id,
            tile_id,
        )
    else:
        await db.execute(
            "DELETE FROM tile_favourites WHERE citizen_id = $1 AND tile_id = $2", citizen_id, tile_id
        )


async def record_use(db: Db, citizen_id: uuid.UUID, tile_id: int) -> None:
    await db.execute(
        """
        INSERT INTO tile_usage (citizen_id, tile_id) VALUES ($1, $2)
        ON CONFLICT (citizen_id, tile_id)
        DO UPDATE SET last_used_at = now(), use_count = tile_usage.use_count + 1
        """,
        citizen_id,
        tile_id,
    )


async def citizen_birthdate(db: Db, citizen_id: uuid.UUID) -> dt.date | None:
    birthdate: dt.date | None = await db.fetchval("SELECT birthdate FROM citizens WHERE id = $1", citizen_id)
    return birthdate
