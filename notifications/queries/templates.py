"""SQL of agencies' message templates: each change is a new version; a send uses the latest."""

from __future__ import annotations

import uuid

import msgspec

from backend.core.db import Db
from notifications.schemas import NewTemplate, TemplateView

_TEMPLATE_COLUMNS = (
    "id, key, version, category, title_th, title_en, body_th, body_en, placeholders, created_at"
)


async def add_template(
    db: Db, agency_id: int, template: NewTemplate, placeholders: list[str], created_by: uuid.UUID | None
) -> TemplateView:
    row = await db.fetchrow(
        f"""
        INSERT INTO notification_templates (agency_id, key, version, category, title_th, title_en, body_th,
                                            body_en, placeholders, created_by)
        VALUES ($1, $2, coalesce((SELECT max(version) FROM notification_templates
                                   WHERE agency_id = $1 AND key = $2), 0) + 1,
                $3, $4, $5, $6, $7, $8, $9)
        RETURNING {_TEMPLATE_COLUMNS}
        """,  # noqa: S608
        agency_id,
        template.key,
        template.category,
        template.title_th,
        template.title_en,
        template.body_th,
        template.body_en,
        placeholders,
        created_by,
    )
    assert row is not None
    return msgspec.convert(dict(row), TemplateView)


async def latest_template(db: Db, agency_id: int, key: str) -> TemplateView | None:
    row = await db.fetchrow(
        f"""
        SELECT {_TEMPLATE_COLUMNS}
        FROM notification_templates WHERE agency_id = $1 AND key = $2 ORDER BY version DESC LIMIT 1
        """,  # noqa: S608
        agency_id,
        key,
    )
    return msgspec.convert(dict(row), TemplateView) if row else None


async def latest_templates(db: Db, agency_id: int) -> list[TemplateView]:
    rows = await db.fetch(
        f"""
        SELECT DISTINCT ON (key) {_TEMPLATE_COLUMNS}
        FROM notification_templates WHERE agency_id = $1 ORDER BY key, version DESC
        """,  # noqa: S608
        agency_id,
    )
    return [msgspec.convert(dict(row), TemplateView) for row in rows]
