"""The inbox pages by (created_at, id): messages written in one transaction share created_at, and a page
boundary between them neither skips nor repeats one; a page reads about ``limit`` rows, not the inbox."""

from __future__ import annotations

import datetime as dt
import json

from backend.core.resources import Resources
from tests.factories import make_agency, make_notification, valid_national_id
from tests.integration.conftest import SignIn

_COPIES = """
INSERT INTO notifications
SELECT (jsonb_populate_record(NULL::notifications, to_jsonb(n) || jsonb_build_object(
    'id', uuid_v7(), 'idempotency_key', 'copy-' || g, 'verification_code', NULL,
    'created_at', coalesce($3::timestamptz, n.created_at - make_interval(secs => g))))).*
FROM notifications n, generate_series(1, $2::int) g WHERE n.id = $1::uuid
"""


async def _inbox_of(sign_in: SignIn, resources: Resources, number: int, copies: int, same_time: bool):  # type: ignore[no-untyped-def]
    agency_id = await make_agency(resources.pool, status="approved")
    citizen = await sign_in(national_id=valid_national_id(number))
    citizen_id = (await citizen.get("/api/v1/me")).json()["id"]
    when = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    first = await make_notification(resources.pool, citizen_id, agency_id, created_at=when)
    await resources.pool.execute(_COPIES, first.id, copies - 1, when if same_time else None)
    return citizen, citizen_id


async def test_sixty_messages_of_one_moment_page_by_twenty_each_exactly_once(
    sign_in: SignIn, resources: Resources
) -> None:
    citizen, _ = await _inbox_of(sign_in, resources, 81, 60, same_time=True)
    seen: list[str] = []
    cursor = None
    for _ in range(4):
        params = {"limit": 20} | ({"cursor": cursor} if cursor else {})
        page = (await citizen.get("/api/v1/inbox", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert cursor is None
    assert len(seen) == len(set(seen)) == 60


async def test_a_cursor_not_made_by_the_inbox_is_refused_beside_its_field(
    sign_in: SignIn, resources: Resources
) -> None:
    citizen, _ = await _inbox_of(sign_in, resources, 82, 1, same_time=True)
    for cursor in ("not-a-cursor", "MjAyNi0wMS0wNXx4"):
        refused = await citizen.get("/api/v1/inbox", params={"cursor": cursor})
        assert refused.status_code == 400
        assert [error["field"] for error in refused.json()["errors"]] == ["cursor"]


async def test_a_page_of_a_two_thousand_message_inbox_reads_about_a_page_of_rows(
    sign_in: SignIn, resources: Resources
) -> None:
    citizen, citizen_id = await _inbox_of(sign_in, resources, 83, 2000, same_time=False)
    await resources.pool.execute("ANALYZE notifications")
    first = (await citizen.get("/api/v1/inbox", params={"limit": 20})).json()
    last = first["items"][-1]
    plan = await resources.pool.fetchval(
        """
        EXPLAIN (ANALYZE, FORMAT JSON)
        SELECT n.id FROM notifications n JOIN agencies a ON a.id = n.agency_id
        WHERE n.citizen_id = $1::uuid AND n.deleted_at IS NULL AND n.created_at <= now()
          AND (n.created_at, n.id) < ($2::timestamptz, $3::uuid)
        ORDER BY n.created_at DESC, n.id DESC LIMIT 21
        """,
        citizen_id,
        dt.datetime.fromisoformat(last["created_at"]),
        last["id"],
    )
    # The pool decodes json columns itself (EXPLAIN's FORMAT JSON arrives as a list).
    document = json.loads(plan) if isinstance(plan, str) else plan
    scans = list(_scans_of(document[0]["Plan"]))
    assert scans, "the plan reads the notifications table"
    assert all(rows <= 21 for _, rows in scans), scans
    # Each month's partition has its copy of notifications_inbox_cursor, named after it.
    assert any(index.endswith("citizen_id_created_at_id_idx") for index, _ in scans), scans


def _scans_of(node: dict):  # type: ignore[no-untyped-def,type-arg]
    """(index name, rows read) of each scan of the inbox's partitions in the plan."""
    if node.get("Relation Name", "").startswith("notifications_"):
        yield node.get("Index Name"), node["Actual Rows"] * node.get("Actual Loops", 1)
    for child in node.get("Plans", []):
        yield from _scans_of(child)
