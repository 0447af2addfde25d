"""SQL of a citizen's inbox and notification preferences."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Db
from notifications.queries.texts import JOIN_BODY, JOIN_CAMPAIGN, TEXTS, URGENCY
from notifications.schemas import InboxItem, MessageSender

_PREFERENCE_COLUMNS = "quiet_start, quiet_end, timezone, opt_out_agencies, opt_out_categories"


class PreferencesRow(msgspec.Struct, frozen=True, kw_only=True):
    """A citizen's stored quiet hours and opt-outs (none stored: every push goes at once)."""

    quiet_start: dt.time | None
    quiet_end: dt.time | None
    timezone: str
    opt_out_agencies: list[int]
    opt_out_categories: list[str]


async def inbox(
    db: Db, citizen_id: uuid.UUID, after: tuple[dt.datetime, uuid.UUID] | None, limit: int
) -> list[InboxItem]:
    """Newest first, after ``after`` (the last message of the page before: created_at and id) when given."""
    created_at, message_id = after or (None, None)
    rows = await db.fetch(
        f"""
        SELECT n.id, {TEXTS}, {URGENCY}, n.created_at, n.read_at, n.verification_code,
               a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
        FROM notifications n JOIN agencies a ON a.id = n.agency_id {JOIN_CAMPAIGN} {JOIN_BODY}
        WHERE n.citizen_id = $1 AND n.deleted_at IS NULL AND n.created_at <= now()
          AND ($2::timestamptz IS NULL OR (n.created_at, n.id) < ($2, $3::uuid))
        ORDER BY n.created_at DESC, n.id DESC LIMIT $4
        """,  # noqa: S608 (the module's own SQL)
        citizen_id,
        created_at,
        message_id,
        limit,
    )
    return [msgspec.convert(dict(row), InboxItem) for row in rows]


async def unread_count(db: Db, citizen_id: uuid.UUID) -> int:
    count: int = await db.fetchval(
        "SELECT count(*) FROM notifications "
        "WHERE citizen_id = $1 AND deleted_at IS NULL AND read_at IS NULL AND created_at <= now()",
        citizen_id,
    )
    return count


async def mark_read(db: Db, citizen_id: uuid.UUID, notification_id: uuid.UUID) -> bool:
    result: str = await db.execute(
        """
        UPDATE notifications SET read_at = coalesce(read_at, now())
        WHERE id = $1 AND citizen_id = $2 AND deleted_at IS NULL
        """,
        notification_id,
        citizen_id,
    )
    return result.endswith(" 1")


async def delete_notification(db: Db, citizen_id: uuid.UUID, notification_id: uuid.UUID) -> bool:
    result: str = await db.execute(
        """
        UPDATE notifications SET deleted_at = now()
        WHERE id = $1 AND citizen_id = $2 AND deleted_at IS NULL
        """,
        notification_id,
        citizen_id,
    )
    return result.endswith(" 1")


async def restore_notification(db: Db, citizen_id: uuid.UUID, notification_id: uuid.UUID) -> bool:
    """Undoes a delete: the message is back in its place in the inbox (deleting only hides it)."""
    result: str = await db.execute(
        """
        UPDATE notifications SET deleted_at = NULL
        WHERE id = $1 AND citizen_id = $2 AND deleted_at IS NOT NULL
        """,
        notification_id,
        citizen_id,
    )
    return result.endswith(" 1")


async def preferences(db: Db, citizen_id: uuid.UUID) -> PreferencesRow | None:
    row = await db.fetchrow(
        f"SELECT {_PREFERENCE_COLUMNS} FROM notification_preferences WHERE citizen_id = $1",  # noqa: S608
        citizen_id,
    )
    return PreferencesRow(**row) if row else None


async def preferences_of(db: Db, citizen_ids: list[uuid.UUID]) -> dict[uuid.UUID, PreferencesRow]:
    """By citizen id, as the campaign's chunk names them."""
    rows = await db.fetch(
        f"""
        SELECT citizen_id, {_PREFERENCE_COLUMNS}
        FROM notification_preferences WHERE citizen_id = ANY($1::uuid[])
        """,  # noqa: S608
        citizen_ids,
    )
    return {
        row["citizen_id"]: PreferencesRow(**{key: value for key, value in row.items() if key != "citizen_id"})
        for row in rows
    }


async def save_preferences(
    db: Db,
    citizen_id: uuid.UUID,
    *,
    quiet_start: dt.time | None,
    quiet_end: dt.time | None,
    timezone: str,
    opt_out_agencies: list[int],
    opt_out_categories: list[str],
) -> None:
    await db.execute(
        """
        INSERT INTO notification_preferences (citizen_id, quiet_start, quiet_end, timezone, opt_out_agencies,
                                              opt_out_categories)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (citizen_id) DO UPDATE SET quiet_start = EXCLUDED.quiet_start,
            quiet_end = EXCLUDED.quiet_end, timezone = EXCLUDED.timezone,
            opt_out_agencies = EXCLUDED.opt_out_agencies, opt_out_categories = EXCLUDED.opt_out_categories,
            updated_at = now()
        """,
        citizen_id,
        quiet_start,
        quiet_end,
        timezone,
        opt_out_agencies,
        opt_out_categories,
    )


async def message_senders(db: Db, citizen_id: uuid.UUID, also: list[int]) -> list[MessageSender]:
    """Agencies that have message templates or wrote to this citizen, and those in ``also``."""
    rows = await db.fetch(
        """
        SELECT a.id, a.name_th, a.name_en FROM agencies a
        WHERE a.id = ANY($2::bigint[])
           OR EXISTS (SELECT 1 FROM notification_templates t WHERE t.agency_id = a.id)
           OR EXISTS (SELECT 1 FROM notifications n WHERE n.citizen_id = $1 AND n.agency_id = a.id)
        ORDER BY a.name_th
        """,
        citizen_id,
        also,
    )
    return [msgspec.convert(dict(row), MessageSender) for row in rows]


async def template_categories(db: Db) -> list[str]:
    rows = await db.fetch("SELECT DISTINCT category FROM notification_templates")
    return [row["category"] for row in rows]
