"""SQL of agencies' message templates: each change is a new version; a send uses the latest."""

from __future__ import annotations

from typing import Any

import msgspec

from backend.core.db import Db
from notifications.schemas import TemplateView


async def add_template(
    db: Db, agency_id: int, fields: dict[str, Any], created_by: str | None
) -> TemplateView:
    """``fields``: a ``NewTemplate``'s, with its ``placeholders`` (tests and benchmarks pass their own)."""
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
    return msgspec.convert(dict(row), TemplateView)


async def latest_template(db: Db, agency_id: int, key: str) -> TemplateView | None:
    row = await db.fetchrow(
        """
        SELECT id, key, version, category, title_th, title_en, body_th, body_en, placeholders, created_at
        FROM notification_templates WHERE agency_id = $1 AND key = $2 ORDER BY version DESC LIMIT 1
        """,
        agency_id,
        key,
    )
    return msgspec.convert(dict(row), TemplateView) if row else None


async def latest_templates(db: Db, agency_id: int) -> list[TemplateView]:
    rows = await db.fetch(
        """
        SELECT DISTINCT ON (key)
               id, key, version, category, title_th, title_en, body_th, body_en, placeholders, created_at
        FROM notification_templates WHERE agency_id = $1 ORDER BY key, version DESC
        """,
        agency_id,
    )
    return [msgspec.convert(dict(row), TemplateView) for row in rows]
