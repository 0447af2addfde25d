"""What a campaign writes per recipient (``make bench``; issue 23): WAL bytes per message over the whole
send (expansion, seals, deliveries, attempts, statuses, tasks) and row bytes per recipient, on a private
PostgreSQL (WAL is the whole cluster's, and other tests write to the shared one), beside the layout before
the campaign's text was stored once (scripts/scale_figures.py rebuilds it from the same rows, in the same
run). Printed, never asserted."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import asyncpg
import pytest

from backend.core.migrate import upgrade
from backend.core.resources import Resources
from backend.core.tasks import run_task
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from notifications import queries
from notifications.campaigns import start_campaign
from notifications.schemas import AgencyFollowers, NewCampaign, NewTemplate
from notifications.service import placeholders_of
from scripts.scale_figures import campaign_row_bytes, compare_layouts, wal_lsn
from scripts.stack.servers import PrivatePostgres
from tests.campaign_data import seed_followers_with_devices
from tests.conftest import environment_for_tests, serve_in_process
from tests.demo_agencies import running_push_service
from tests.factories import make_agency
from tests.helpers.notifications import run_until_idle

pytestmark = pytest.mark.timeout(1800)  # 20,000 pushes, in this one process, on a shared machine

RECIPIENTS = int(os.environ.get("BENCH_CAMPAIGN_RECIPIENTS", "20000"))
WAL_TARGET, ROW_TARGET = 3000, 300  # bytes per message, per recipient (issue 23)
# A campaign's usual length: a title and two short paragraphs in each language.
TEMPLATE = NewTemplate(
    key="bench-news",
    category="general",
    title_th="ประกาศสำคัญจากหน่วยงาน: การต่ออายุบัตรสวัสดิการแห่งรัฐประจำปี",
    title_en="Important: renewing your state welfare card this year",
    body_th="บัตรสวัสดิการแห่งรัฐของท่านจะหมดอายุภายในสิ้นเดือนนี้ ท่านสามารถต่ออายุได้ในแอปนี้โดยไม่ต้องเดินทางไปที่สำนักงาน "
    "เตรียมบัตรประชาชนและสมุดบัญชีธนาคารให้พร้อม หากมีข้อสงสัยติดต่อศูนย์บริการได้ทุกวันในเวลาราชการ",
    body_en="Your state welfare card expires at the end of this month. You can renew it in this app without "
    "going to an office. Have your ID card and bank book ready; the service centre answers questions every "
    "working day.",
)


async def _expand(resources: Resources) -> None:
    """Only the campaign's expansion tasks, until none is left (the deliveries they queue wait)."""
    sql = "SELECT id FROM task_outbox WHERE state = 'pending' AND task = 'notifications.expand_campaign'"
    while ids := [row["id"] for row in await resources.pool.fetch(sql)]:
        for task_id in ids:
            await run_task(resources, task_id)


async def test_wal_and_row_bytes_per_campaign_message_against_the_text_copied_per_row(
    settings: Settings, tmp_path: Path
) -> None:
    # Not under tmp_path: pytest keeps its folders private to root, and PostgreSQL runs as pgserver's user.
    folder = Path(tempfile.mkdtemp(prefix="citizen-bench-pg-"))
    postgres = PrivatePostgres(folder)
    dsn = await asyncio.to_thread(postgres.start)  # it runs an event loop of its own
    try:
        await upgrade(dsn)
        environ = environment_for_tests(
            tmp_path, DATABASE_URL=dsn, REDIS_URL=settings.redis_url or "", LOG_LEVEL="WARNING"
        )
        app = create_app(load_settings(environ))
        with running_push_service() as push_service:
            async with serve_in_process(app):
                resources: Resources = app.state.resources
                pool = resources.pool
                agency_id = await make_agency(pool, status="approved")
                await queries.add_template(pool, agency_id, TEMPLATE, placeholders_of(TEMPLATE), None)
                await seed_followers_with_devices(pool, push_service, agency_id, RECIPIENTS)
                template = await queries.latest_template(pool, agency_id, TEMPLATE.key)
                assert template is not None
                await pool.execute("CHECKPOINT")
                start = await wal_lsn(pool)
                campaign_id, _ = await start_campaign(
                    pool,
                    resources.queue,
                    agency_id=agency_id,
                    template=template,
                    request=NewCampaign(
                        audience=AgencyFollowers(), template=TEMPLATE.key, idempotency_key="b"
                    ),
                    created_by=None,
                )
                await _expand(resources)
                expanded = await wal_lsn(pool)
                await run_until_idle(resources)
                wal = (await wal_lsn(pool) - start) / RECIPIENTS
                wal_expanding = (expanded - start) / RECIPIENTS
                delivered = await pool.fetchval(
                    "SELECT count(*) FROM notifications WHERE campaign_id = $1::uuid "
                    "AND status = 'delivered'",
                    campaign_id,
                )
                # Copying every row twice outlasts the app's 10 s command time-out on a busy machine.
                measuring = await asyncpg.connect(dsn, command_timeout=None)
                try:
                    stored = await campaign_row_bytes(measuring, campaign_id)
                    layouts = await compare_layouts(measuring, campaign_id)
                finally:
                    await measuring.close()
    finally:
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)
    # The layout before adds to the send what its copies add to the rows, measured on the same rows.
    wal_before = wal + layouts.wal_before - layouts.wal_now
    print(
        f"\ncampaign storage, {RECIPIENTS:,} recipients with a device each ({delivered:,} delivered), "
        f"a {len(TEMPLATE.body_th)}+{len(TEMPLATE.body_en)}-character body:"
        f"\nWAL per message, the whole send: target <= {WAL_TARGET:,} B, figure {wal:,.0f} B, "
        f"baseline (text copied per row) {wal_before:,.0f} B"
        f"\n  expansion (inbox rows, seals, deliveries, tasks) {wal_expanding:,.0f} B, "
        f"delivery (attempts, statuses, devices) {wal - wal_expanding:,.0f} B; after a checkpoint, so "
        f"each page's first change carries the whole page, as it does once per checkpoint in production"
        f"\n  of which the inbox row and seal: {layouts.wal_now:,.0f} B now, "
        f"{layouts.wal_before:,.0f} B before"
        f"\nrow bytes per recipient (inbox row + seal, as stored): target <= {ROW_TARGET} B, "
        f"figure {stored.tuples:,.0f} B ({stored.inbox_tuple:,.0f} + {stored.seal_tuple:,.0f}), "
        f"baseline {layouts.bytes_before.tuples:,.0f} B "
        f"({layouts.bytes_before.inbox_tuple:,.0f} + {layouts.bytes_before.seal_tuple:,.0f})"
        f"\n  with the tables' indexes: {layouts.bytes_now.with_indexes:,.0f} B now, "
        f"{layouts.bytes_before.with_indexes:,.0f} B before"
    )
