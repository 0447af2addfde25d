"""The record of every access to a citizen's data (``data_access_log``): who, what, when, why and how
it went, each text in Thai and English, and the citizen's page of it.

Other features record their accesses here (``record_access``, ``record_staff_look``), saying the
purpose and data items in both languages (``Said``): the citizen reads the record in theirs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import msgspec

from backend.connectors.schemas import AccessKind, AgencyName, DataAccessView, Said
from backend.core.db import Db
from backend.core.partitions import Partitioned

# Data items the platform's own records name (a connector names its own when it registers).
NAME = Said("ชื่อ", "name")
NATIONAL_ID = Said("เลขประจำตัวประชาชน", "national ID")
BIRTH_DATE = Said("วันเกิด", "birth date")
ANSWERS = Said("คำตอบในคำขอ", "answers")
FILES = Said("ไฟล์ที่แนบ", "files")
ATTACHED_FILE = Said("ไฟล์ที่แนบในคำขอ", "a file attached to the application")
DOCUMENT = Said("เอกสาร", "document")
ACCESS_LOG = Partitioned("data_access_log")
"""A partition per month (migration 0045): retention drops whole months past ACCESS_LOG_RETENTION_DAYS."""
_INSERT_ACCESS = """
    INSERT INTO data_access_log (citizen_id, agency_id, connector_id, kind, actor_kind, actor_id, purpose_th,
                                 purpose_en, fields_th, fields_en, outcome, detail_th, detail_en)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
"""


def _access(
    citizen_id: uuid.UUID,
    agency_id: int | None,
    connector_id: int | None,
    kind: AccessKind,
    actor_kind: str,
    actor_id: str | None,
    purpose: Said,
    fields: Sequence[Said],
    outcome: str,
    detail: Said | None,
) -> tuple[object, ...]:
    return (
        citizen_id, agency_id, connector_id, kind, actor_kind, actor_id, purpose.th, purpose.en,
        [field.th for field in fields], [field.en for field in fields], outcome,
        detail.th if detail else None, detail.en if detail else None,
    )  # fmt: skip


async def record_access(
    db: Db,
    *,
    citizen_id: uuid.UUID,
    agency_id: int | None,
    connector_id: int | None,
    kind: AccessKind,
    actor_kind: str,
    actor_id: str | None,
    purpose: Said,
    fields: Sequence[Said],
    outcome: str,
    detail: Said | None,
) -> None:
    """Purpose, data items and detail in both languages: the citizen reads the record in theirs."""
    await db.execute(
        _INSERT_ACCESS,
        *_access(
            citizen_id, agency_id, connector_id, kind, actor_kind, actor_id, purpose, fields, outcome, detail
        ),
    )


async def record_staff_look(
    db: Db,
    *,
    citizen_id: uuid.UUID,
    staff_id: uuid.UUID,
    purpose: Said,
    fields: Sequence[Said],
    detail: Said | None = None,
) -> None:
    """A staff member saw something of the citizen's: shown to them in "who accessed my data"."""
    await record_access(
        db,
        citizen_id=citizen_id,
        agency_id=None,
        connector_id=None,
        kind="staff_lookup",
        actor_kind="staff",
        actor_id=str(staff_id),
        purpose=purpose,
        fields=fields,
        outcome="ok",
        detail=detail,
    )


_ACCESS_COLUMNS = (
    "l.id, l.at, l.kind, l.actor_kind, l.purpose_th, l.purpose_en, l.fields_th, l.fields_en, l.outcome, "
    "l.detail_th, l.detail_en, l.agency_id, l.connector_id"
)


async def data_access_for_citizen(
    db: Db,
    citizen_id: uuid.UUID,
    before_id: int | None,
    limit: int,
    *,
    kind: AccessKind | None = None,
    agency_id: int | None = None,
) -> list[DataAccessView]:
    """Newest first, of one kind or agency when asked."""
    rows = await db.fetch(
        f"""
        SELECT {_ACCESS_COLUMNS},
               a.name_th AS agency_name_th, a.name_en AS agency_name_en,
               c.title_th AS connector_title_th, c.title_en AS connector_title_en,
               p.name_th AS actor_name_th, p.name_en AS actor_name_en
        FROM data_access_log l
        LEFT JOIN agencies a ON a.id = l.agency_id
        LEFT JOIN connectors c ON c.id = l.connector_id
        LEFT JOIN citizens p
               ON p.id = CASE WHEN l.actor_kind IN ('delegate', 'assisted') THEN l.actor_id::uuid END
        WHERE l.citizen_id = $1 AND ($2::bigint IS NULL OR l.id < $2)
          AND ($4::text IS NULL OR l.kind = $4) AND ($5::bigint IS NULL OR l.agency_id = $5)
        ORDER BY l.id DESC LIMIT $3
        """,  # noqa: S608 (column names are constants)
        citizen_id,
        before_id,
        limit,
        kind,
        agency_id,
    )
    return [msgspec.convert(dict(row), DataAccessView) for row in rows]


async def agencies_in_record(db: Db, citizen_id: uuid.UUID) -> list[AgencyName]:
    """The agencies the citizen's record names, by Thai name."""
    rows = await db.fetch(
        """
        SELECT a.id, a.name_th, a.name_en FROM agencies a
        WHERE a.id IN (SELECT DISTINCT agency_id FROM data_access_log WHERE citizen_id = $1)
        ORDER BY a.name_th
        """,
        citizen_id,
    )
    return [msgspec.convert(dict(row), AgencyName) for row in rows]


async def data_access_for_agency(
    db: Db, agency_id: int, before_id: int | None, limit: int
) -> list[DataAccessView]:
    """Calls made to the agency's own connectors, and nothing else the log holds under its id (a
    citizen sharing one of its documents, someone opening the share, its staff's own looks)."""
    rows = await db.fetch(
        f"""
        SELECT {_ACCESS_COLUMNS}
        FROM data_access_log l JOIN connectors c ON c.id = l.connector_id AND c.agency_id = $1
        WHERE l.agency_id = $1 AND ($2::bigint IS NULL OR l.id < $2)
        ORDER BY l.id DESC LIMIT $3
        """,  # noqa: S608 (column names are constants)
        agency_id,
        before_id,
        limit,
    )
    return [msgspec.convert(dict(row), DataAccessView) for row in rows]


BANGKOK = dt.timezone(dt.timedelta(hours=7))


def grouped(rows: list[DataAccessView], limit: int, *, more: bool) -> tuple[list[DataAccessView], int | None]:
    """Up to about ``limit`` entries from ``rows`` (newest first) and the ``before`` of the next page.

    Like calls to one connector (same purpose, outcome and caller) between two accesses of another
    kind, on one Bangkok day, are one entry with their count: routine refreshes do not push a staff
    look-up out of sight. A run of calls is not split across pages unless it is longer than ``rows``;
    ``more`` says whether older rows exist beyond these.
    """
    entries: list[DataAccessView] = []
    run: dict[tuple[object, ...], DataAccessView] = {}
    run_day: dt.date | None = None
    consumed: int | None = None

    def close_run() -> None:
        entries.extend(run.values())
        run.clear()

    for row in rows:
        day = row.at.astimezone(BANGKOK).date()
        if row.kind != "agency_call" or day != run_day:
            close_run()
            if len(entries) >= limit:
                return entries, consumed
        if row.kind != "agency_call":
            entries.append(row)
            run_day = None
        else:
            run_day = day
            key = (row.connector_id, row.agency_id, row.purpose_en, row.outcome, row.actor_kind)
            if (seen := run.get(key)) is None:
                run[key] = row
            else:  # older than what the entry holds: it widens the entry back in time
                run[key] = msgspec.structs.replace(seen, count=seen.count + 1, first_at=row.at)
        consumed = row.id
    close_run()
    return entries, consumed if more else None
