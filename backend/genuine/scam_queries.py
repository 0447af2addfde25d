"""SQL of scam reports and scam warnings. A report's pasted text, full link and screenshot are set to
NULL ("purged") in the same statement that decides it; the host and sender stay for the counts."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Connection, Db

_WARNING = (
    "w.id, w.link_host, w.sender, w.title_th, w.title_en, w.body_th, w.body_en, "
    "w.published_at, w.withdrawn_at"
)
# The column a group key names: chosen from this table, never spliced from input.
_COLUMN = {"link_host": "link_host", "sender": "sender"}
_IN_GROUP = {"link_host": "r.link_host = $1", "sender": "r.sender = $1"}
# A warning about a host covers its subdomains: publishing it decides their reports too.
_UNDER_HOST = "(r.link_host = $1 OR right(r.link_host, length($1) + 1) = '.' || $1)"
_PURGED = "message_text = NULL, link = NULL, screenshot = NULL, screenshot_type = NULL, purged_at = now()"


class WarningRow(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    link_host: str | None
    sender: str | None
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    published_at: dt.datetime
    withdrawn_at: dt.datetime | None


class GroupRow(msgspec.Struct, kw_only=True, frozen=True):
    value: str | None
    reports: int
    screenshots: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    warned: bool


class ReportRow(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    created_at: dt.datetime
    text: str | None
    link: str | None
    link_host: str | None
    sender: str | None
    has_screenshot: bool
    from_app: bool
    status: str


class MyReportRow(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    created_at: dt.datetime
    link_host: str | None
    sender: str | None
    status: str
    decided_at: dt.datetime | None
    warning_title_th: str | None
    warning_title_en: str | None


class DayRow(msgspec.Struct, kw_only=True, frozen=True):
    day: dt.date
    reports: int
    warnings: int


async def active_warning_for(db: Db, link_host: str | None, sender: str | None) -> WarningRow | None:
    row = await db.fetchrow(
        f"""
        SELECT {_WARNING} FROM scam_warnings w
        WHERE w.withdrawn_at IS NULL
          AND ((w.link_host IS NOT NULL
                AND ($1::text = w.link_host OR right($1::text, length(w.link_host) + 1) = '.' || w.link_host))
               OR (w.sender IS NOT NULL AND w.sender = $2::text))
        ORDER BY w.published_at DESC LIMIT 1
        """,  # noqa: S608 (names and clauses are constants)
        link_host, sender,
    )  # fmt: skip
    return msgspec.convert(dict(row), WarningRow) if row else None


async def insert_report(
    db: Db,
    *,
    citizen_id: uuid.UUID | None,
    text: str | None,
    link: str | None,
    screenshot: bytes | None,
    screenshot_type: str | None,
    link_host: str | None,
    sender: str | None,
    warning_id: int | None,
) -> int:
    """A report matching an active warning is decided (a scam) at once, keeping nothing pasted."""
    if warning_id is not None:
        text = link = screenshot = screenshot_type = None
    report_id: int = await db.fetchval(
        """
        INSERT INTO scam_reports (citizen_id, message_text, link, screenshot, screenshot_type, link_host,
                                  sender, status, warning_id, decided_at, purged_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                CASE WHEN $9::bigint IS NOT NULL THEN now() END,
                CASE WHEN $9::bigint IS NOT NULL THEN now() END)
        RETURNING id
        """,
        citizen_id, text, link, screenshot, screenshot_type, link_host, sender,
        "pending" if warning_id is None else "scam", warning_id,
    )  # fmt: skip
    return report_id


async def active_warnings(db: Db) -> list[WarningRow]:
    rows = await db.fetch(
        f"SELECT {_WARNING} FROM scam_warnings w WHERE w.withdrawn_at IS NULL ORDER BY w.published_at DESC"  # noqa: S608
    )
    return [msgspec.convert(dict(row), WarningRow) for row in rows]


async def recent_warnings(db: Db, limit: int = 200) -> list[WarningRow]:
    """Active and withdrawn, newest first: what support staff may withdraw, and what they withdrew."""
    rows = await db.fetch(
        f"SELECT {_WARNING} FROM scam_warnings w ORDER BY w.published_at DESC LIMIT $1",  # noqa: S608
        limit,
    )
    return [msgspec.convert(dict(row), WarningRow) for row in rows]


async def reports_of(db: Db, citizen_id: uuid.UUID) -> list[MyReportRow]:
    rows = await db.fetch(
        """
        SELECT r.id, r.created_at, r.link_host, r.sender, r.status, r.decided_at,
               w.title_th AS warning_title_th, w.title_en AS warning_title_en
        FROM scam_reports r LEFT JOIN scam_warnings w ON w.id = r.warning_id
        WHERE r.citizen_id = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT 100
        """,
        citizen_id,
    )
    return [msgspec.convert(dict(row), MyReportRow) for row in rows]


async def groups(db: Db, key: str) -> list[GroupRow]:
    column = _COLUMN[key]
    rows = await db.fetch(
        f"""
        SELECT r.{column} AS value, count(*)::int AS reports, count(r.screenshot_type)::int AS screenshots,
               min(r.created_at) AS first_seen, max(r.created_at) AS last_seen,
               EXISTS (SELECT 1 FROM scam_warnings w
                       WHERE w.withdrawn_at IS NULL AND w.{column} IS NOT NULL
                         AND (w.{column} = r.{column}
                              OR right(r.{column}, length(w.{column}) + 1) = '.' || w.{column})) AS warned
        FROM scam_reports r WHERE r.status = 'pending'
        GROUP BY r.{column} ORDER BY count(*) DESC, max(r.created_at) DESC LIMIT 200
        """  # noqa: S608 (names and clauses are constants)
    )
    return [msgspec.convert(dict(row), GroupRow) for row in rows]


async def reports_in_group(db: Db, key: str, value: str | None) -> list[ReportRow]:
    where = f"r.{_COLUMN[key]} IS NULL AND $1::text IS NULL" if value is None else _IN_GROUP[key]
    rows = await db.fetch(
        f"""
        SELECT r.id, r.created_at, r.message_text AS text, r.link, r.link_host, r.sender,
               r.screenshot IS NOT NULL AS has_screenshot, r.citizen_id IS NOT NULL AS from_app, r.status
        FROM scam_reports r WHERE r.status = 'pending' AND {where}
        ORDER BY r.created_at DESC, r.id DESC LIMIT 200
        """,  # noqa: S608 (names and clauses are constants)
        value,
    )
    return [msgspec.convert(dict(row), ReportRow) for row in rows]


async def screenshot(db: Db, report_id: int) -> tuple[bytes, str] | None:
    row = await db.fetchrow(
        "SELECT screenshot, screenshot_type FROM scam_reports WHERE id = $1 AND screenshot IS NOT NULL",
        report_id,
    )
    return (bytes(row["screenshot"]), str(row["screenshot_type"])) if row else None


async def insert_warning(
    connection: Connection, key: str, value: str, texts: dict[str, str], published_by: uuid.UUID | None
) -> WarningRow:
    row = await connection.fetchrow(
        f"""
        INSERT INTO scam_warnings AS w (link_host, sender, title_th, title_en, body_th, body_en, published_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {_WARNING}
        """,  # noqa: S608 (names and clauses are constants)
        value if key == "link_host" else None, value if key == "sender" else None,
        texts["title_th"], texts["title_en"], texts["body_th"], texts["body_en"], published_by,
    )  # fmt: skip
    assert row is not None  # INSERT ... RETURNING
    return msgspec.convert(dict(row), WarningRow)


async def decide_group(
    connection: Connection,
    key: str,
    value: str | None,
    *,
    status: str,
    warning_id: int | None,
    decided_by: uuid.UUID | None,
    note: str | None,
    subdomains: bool = False,
) -> int:
    """Decides the group's pending reports (``subdomains``: and those under its host) and purges what
    their citizens pasted; returns how many."""
    if value is None:
        where = f"r.{_COLUMN[key]} IS NULL AND $1::text IS NULL"
    else:
        where = _UNDER_HOST if subdomains and key == "link_host" else _IN_GROUP[key]
    result: str = await connection.execute(
        f"""
        UPDATE scam_reports r SET status = $2, warning_id = $3, decided_by = $4, decided_at = now(),
                                  decision_note = $5, {_PURGED}
        WHERE r.status = 'pending' AND {where}
        """,  # noqa: S608 (names and clauses are constants)
        value, status, warning_id, decided_by, note,
    )  # fmt: skip
    return int(result.rsplit(" ", 1)[-1])


async def withdraw_warning(
    db: Db, warning_id: int, withdrawn_by: uuid.UUID | None, note: str
) -> WarningRow | None:
    """None when there is no such warning or it was already withdrawn."""
    row = await db.fetchrow(
        f"""
        UPDATE scam_warnings w SET withdrawn_at = now(), withdrawn_by = $2, withdrawn_note = $3
        WHERE w.id = $1 AND w.withdrawn_at IS NULL RETURNING {_WARNING}
        """,  # noqa: S608 (names and clauses are constants)
        warning_id, withdrawn_by, note,
    )  # fmt: skip
    return msgspec.convert(dict(row), WarningRow) if row else None


async def purge_old(db: Db, days: int, batch: int) -> int:
    """Undecided reports older than ``days`` lose what was pasted (they stay queued by host and sender)."""
    result: str = await db.execute(
        f"""
        UPDATE scam_reports SET {_PURGED}
        WHERE id IN (SELECT id FROM scam_reports
                     WHERE purged_at IS NULL AND created_at < now() - make_interval(days => $1)
                     ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        """,  # noqa: S608 (names and clauses are constants)
        days, batch,
    )  # fmt: skip
    return int(result.rsplit(" ", 1)[-1])


async def days(db: Db, count: int) -> list[DayRow]:
    """Reports made and warnings published each day (Bangkok time), the last ``count`` days, every day."""
    rows = await db.fetch(
        """
        WITH today AS (SELECT (now() AT TIME ZONE 'Asia/Bangkok')::date AS day),
             span AS (SELECT generate_series(today.day - ($1::int - 1), today.day, interval '1 day')::date
                             AS day
                      FROM today),
             since AS (SELECT ((SELECT min(day) FROM span)::timestamp AT TIME ZONE 'Asia/Bangkok') AS at)
        SELECT span.day,
               (SELECT count(*) FROM scam_reports r
                WHERE r.created_at >= (SELECT at FROM since)
                  AND (r.created_at AT TIME ZONE 'Asia/Bangkok')::date = span.day)::int AS reports,
               (SELECT count(*) FROM scam_warnings w
                WHERE w.published_at >= (SELECT at FROM since)
                  AND (w.published_at AT TIME ZONE 'Asia/Bangkok')::date = span.day)::int AS warnings
        FROM span ORDER BY span.day
        """,
        count,
    )
    return [msgspec.convert(dict(row), DayRow) for row in rows]


async def totals(db: Db) -> tuple[int, int, int]:
    """(pending reports, active warnings, warnings ever published)."""
    row = await db.fetchrow(
        """
        SELECT (SELECT count(*) FROM scam_reports WHERE status = 'pending')::int AS pending,
               (SELECT count(*) FROM scam_warnings WHERE withdrawn_at IS NULL)::int AS active,
               (SELECT count(*) FROM scam_warnings)::int AS published
        """
    )
    assert row is not None
    return int(row["pending"]), int(row["active"]), int(row["published"])


async def add_demo_reports(connection: Connection) -> None:
    """Demo data: a few reports waiting for support staff, on the first run only (none made yet)."""
    await connection.execute(
        """
        INSERT INTO scam_reports (message_text, link, link_host, sender, created_at)
        SELECT text, link, host, sender, now() - make_interval(hours => hours_ago)
        FROM (VALUES
            ('ไปรษณีย์ไทย: พัสดุของท่านตกค้าง กรุณาชำระค่าธรรมเนียม 25 บาทที่ https://thaipost-parcel.example/pay',
             'https://thaipost-parcel.example/pay', 'thaipost-parcel.example', 'th-post', 30),
            ('พัสดุของท่านส่งไม่สำเร็จ อัปเดตที่อยู่ภายใน 24 ชม. thaipost-parcel.example/addr',
             'thaipost-parcel.example/addr', 'thaipost-parcel.example', NULL, 6),
            ('กรมที่ดิน: ท่านค้างชำระภาษีที่ดิน โทรกลับด่วน 092-345-6789', NULL, NULL, '0923456789', 2)
        ) AS demo (text, link, host, sender, hours_ago)
        WHERE NOT EXISTS (SELECT 1 FROM scam_reports)
        """
    )
