"""The demo data leaves each demo staff member something to do on the first run, once: seeding again
(every `citizen run`) neither repeats it nor brings back what someone already dealt with."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from backend.demo.seed import WELFARE_BILLER, seed_demo_data
from backend.settings import Settings
from tests.helpers.identity import ORIGIN
from tests.integration.conftest import demo_settings_for

WORK = {
    "agencies waiting": "SELECT count(*) FROM agencies WHERE status = 'pending'",
    "tiles in review": "SELECT count(*) FROM tiles WHERE draft_state = 'in_review'",
    "tiles returned": "SELECT count(*) FROM tiles WHERE draft_state = 'draft' AND review_comment IS NOT NULL",
    "connectors waiting": "SELECT count(*) FROM connectors WHERE status = 'pending'",
    "welfare templates": "SELECT count(*) FROM notification_templates t "
    "JOIN agencies a ON a.id = t.agency_id WHERE a.code = 'demo-welfare'",
    **{
        f"welfare bills {status}": "SELECT count(*) FROM bills b JOIN agencies a ON a.id = b.agency_id "
        f"WHERE a.code = 'demo-welfare' AND b.status = '{status}'"
        for status in ("unpaid", "paid", "cancelled")
    },
    "open payment exceptions": "SELECT count(*) FROM payment_exceptions WHERE status = 'open'",
    "welfare receipts": "SELECT count(*) FROM receipts r JOIN bills b ON b.id = r.bill_id "
    "JOIN payments p ON p.id = r.payment_id AND p.state = 'success' "
    "JOIN agencies a ON a.id = b.agency_id WHERE a.code = 'demo-welfare'",
}


async def _work(connection: asyncpg.Connection) -> dict[str, int]:
    return {name: await connection.fetchval(query) for name, query in WORK.items()}


async def test_each_demo_staff_member_finds_work_waiting_once(settings: Settings, tmp_path: Path) -> None:
    demo = demo_settings_for(settings, tmp_path, PUBLIC_URL=ORIGIN)
    assert demo.database_url
    connection = await asyncpg.connect(demo.database_url)
    try:
        await seed_demo_data(connection, demo)
        assert await _work(connection) == dict.fromkeys(WORK, 1) | {"welfare templates": 2}
        submitter = await connection.fetchval(
            "SELECT c.name_en FROM tile_reviews r JOIN citizens c ON c.id = r.actor "
            "WHERE r.action = 'submitted' ORDER BY r.id DESC LIMIT 1"
        )
        assert submitter == "Niran Khiandee"  # the editor, as the reviewer will read it
        owner = await connection.fetchval(
            "SELECT a.code FROM agency_billers b JOIN agencies a ON a.id = b.agency_id "
            "WHERE b.biller_id = $1",
            WELFARE_BILLER,
        )
        assert owner == "demo-welfare"
        # The welfare bills went to two citizens no walkthrough uses for bills, not to Malee or Somchai.
        billed = await connection.fetchval(
            "SELECT count(DISTINCT national_id_hash) FROM bills WHERE ref1 LIKE 'WD%' AND biller_id = $1",
            WELFARE_BILLER,
        )
        assert billed == 2

        await seed_demo_data(connection, demo)  # the next start: nothing doubled
        assert await _work(connection) == dict.fromkeys(WORK, 1) | {"welfare templates": 2}
        # Dealt with: the admin approved the connector and the agency; they do not come back.
        await connection.execute("UPDATE connectors SET status = 'active' WHERE status = 'pending'")
        await connection.execute("UPDATE agencies SET status = 'approved' WHERE status = 'pending'")
        await seed_demo_data(connection, demo)
        done = await _work(connection)
        assert (done["connectors waiting"], done["agencies waiting"]) == (0, 0)
    finally:
        await connection.close()
