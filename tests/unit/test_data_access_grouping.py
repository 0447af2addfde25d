"""Repeated calls in "who accessed my data" become one entry; other accesses break a run; a run is
not split across pages."""

from __future__ import annotations

import datetime as dt

from backend.connectors.access_log import grouped
from backend.connectors.schemas import AccessKind, DataAccessView

NOON = dt.datetime(2026, 12, 4, 5, 0, tzinfo=dt.UTC)  # 12:00 in Bangkok


def _row(
    row_id: int, kind: AccessKind = "agency_call", connector: int = 1, minutes: int = 0
) -> DataAccessView:
    return DataAccessView(
        id=row_id, at=NOON - dt.timedelta(minutes=minutes), kind=kind, actor_kind="citizen",
        purpose_th="ไทย", purpose_en="English", fields_th=[], fields_en=[], outcome="ok",
        agency_id=1, connector_id=connector if kind == "agency_call" else None,
    )  # fmt: skip


def test_calls_to_one_connector_between_other_accesses_are_one_entry() -> None:
    rows = [
        _row(9, connector=1), _row(8, connector=2), _row(7, connector=1, minutes=5), _row(6, "staff_lookup"),
        _row(5, connector=1, minutes=10), _row(4, connector=1, minutes=20),
    ]  # fmt: skip
    entries, next_before = grouped(rows, 10, more=False)
    assert [(entry.id, entry.kind, entry.count) for entry in entries] == [
        (9, "agency_call", 2), (8, "agency_call", 1), (6, "staff_lookup", 1), (5, "agency_call", 2),
    ]  # fmt: skip
    assert entries[0].first_at == rows[2].at
    assert next_before is None


def test_a_page_ends_between_runs_and_says_where_the_next_begins() -> None:
    rows = [_row(9), _row(8, connector=2), _row(7), _row(6, "document_share"), _row(5)]
    entries, next_before = grouped(rows, 1, more=True)
    assert [entry.id for entry in entries] == [9, 8]  # the whole run, though the limit is one
    assert next_before == 7
    rest, after = grouped(rows[3:], 1, more=False)
    assert [entry.id for entry in rest] == [6]
    assert after == 6


def test_a_new_bangkok_day_starts_a_new_entry() -> None:
    late = _row(2, minutes=60 * 12)  # 00:00 in Bangkok: the same UTC day, the next Bangkok one
    early = _row(1, minutes=60 * 12 + 1)
    entries, _ = grouped([late, early], 10, more=False)
    assert [entry.count for entry in entries] == [1, 1]
