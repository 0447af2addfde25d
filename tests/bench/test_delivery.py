"""Campaign delivery throughput with full bookkeeping (``make bench``), against a bare loop of the same
pywebpush calls to the same local push service at the same concurrency, in one run; then with two
worker processes; and the projected time to reach 10 million devices. Printed, never asserted."""

from __future__ import annotations

import asyncio
import os
import time
from contextlib import ExitStack
from pathlib import Path

from pywebpush import webpush_async

from backend.core.db import Pool
from backend.core.resources import Resources
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from notifications import queries
from notifications.campaigns import start_campaign
from notifications.delivery import vapid_key
from notifications.schemas import AgencyFollowers, NewCampaign, NewTemplate
from notifications.service import placeholders_of
from tests.campaign_data import seed_followers_with_devices
from tests.conftest import environment_for_tests, serve_in_process
from tests.demo_agencies import running_push_service
from tests.factories import make_agency
from tests.worker_process import environment_of, running_worker

DEVICES = 4000
CONCURRENCY = 20
TEN_MILLION = 10_000_000
TEMPLATE = NewTemplate(
    key="bench",
    category="general",
    title_th="ข่าวจากหน่วยงาน",
    title_en="News from the agency",
    body_th="มีข้อมูลใหม่สำหรับคุณ",
    body_en="There is something new for you",
)


async def _bare_rate(pool: Pool, settings: Settings) -> float:
    rows = await pool.fetch("SELECT endpoint, p256dh, auth FROM push_subscriptions")
    payload = '{"title_en": "News from the agency", "body_en": "There is something new for you"}'
    pending = list(rows)

    async def pusher() -> None:
        while pending:
            row = pending.pop()
            await webpush_async(
                subscription_info={
                    "endpoint": row["endpoint"],
                    "keys": {"p256dh": row["p256dh"], "auth": row["auth"]},
                },
                data=payload,
                vapid_private_key=vapid_key(settings.vapid_private_key),
                vapid_claims={"sub": settings.vapid_subject},
                ttl=86400,
                headers={"Urgency": "normal", "Topic": "bench"},
                timeout=10,
            )

    started = time.perf_counter()
    await asyncio.gather(*(pusher() for _ in range(CONCURRENCY)))
    return len(rows) / (time.perf_counter() - started)


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _campaign_rate(
    app_settings: Settings, resources: Resources, agency_id: int, workers: int
) -> tuple[float, float]:
    """(deliveries per second, worker CPU milliseconds per delivery)."""
    environ = environment_of(
        app_settings,
        WORKER_CONCURRENCY=str(CONCURRENCY),
        PUSH_CONCURRENCY_PER_SERVICE=str(CONCURRENCY),  # the bare loop's concurrency, per process
        LOG_LEVEL="WARNING",
    )
    with ExitStack() as stack:
        processes = [stack.enter_context(running_worker(environ)) for _ in range(workers)]
        await asyncio.sleep(3)  # the workers up and waiting before the clock starts
        assert all(process.poll() is None for process in processes)
        template = await queries.latest_template(resources.pool, agency_id, "bench")
        assert template is not None
        cpu_before = sum(_cpu_seconds(process.pid) for process in processes)
        started = time.perf_counter()
        campaign_id, _ = await start_campaign(
            resources.pool,
            resources.queue,
            agency_id=agency_id,
            template=template,
            request=NewCampaign(
                audience=AgencyFollowers(), template="bench", idempotency_key=f"bench-{workers}"
            ),
            created_by=None,
        )
        while True:
            done = await resources.pool.fetchval(
                "SELECT count(*) FROM notifications WHERE campaign_id = $1::uuid AND status = 'delivered'",
                campaign_id,
            )
            if done == DEVICES:
                rate = DEVICES / (time.perf_counter() - started)
                cpu = sum(_cpu_seconds(process.pid) for process in processes) - cpu_before
                return rate, cpu * 1000 / DEVICES
            await asyncio.sleep(0.05)


async def test_campaign_delivery_throughput_against_bare_pywebpush_calls(
    settings: Settings, tmp_path: Path
) -> None:
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        LOG_LEVEL="WARNING",
        DB_POOL_MAX_SIZE="20",
    )
    app_settings = load_settings(environ)
    app = create_app(app_settings)
    with running_push_service() as push_service:
        async with serve_in_process(app):
            resources: Resources = app.state.resources
            pool = resources.pool
            agency_id = await make_agency(pool, status="approved")
            await queries.add_template(pool, agency_id, TEMPLATE, placeholders_of(TEMPLATE), None)
            await seed_followers_with_devices(pool, push_service, agency_id, DEVICES)

            bare = await _bare_rate(pool, app_settings)
            one, one_cpu = await _campaign_rate(app_settings, resources, agency_id, workers=1)
            two, two_cpu = await _campaign_rate(app_settings, resources, agency_id, workers=2)
    print(
        f"\ncampaign delivery, {DEVICES} devices, {CONCURRENCY} concurrent pushes per process:"
        f"\nbare pywebpush loop: {bare:,.0f}/s"
        f"\none worker (expansion, inbox, deliveries, attempts, statuses): {one:,.0f}/s, "
        f"ratio {one / bare:.2f} of bare"
        f"\ntwo workers: {two:,.0f}/s, {two / one:.2f}x one worker, on {os.cpu_count()} cores shared with"
        f" PostgreSQL, Redis and the push service (which decrypts every message)"
        f"\nworker CPU per delivery: one worker {one_cpu:.2f} ms, two workers {two_cpu:.2f} ms"
        f" (equal figures mean the work per delivery does not grow with workers: linear given cores)"
        f"\nprojected time to 10 million devices: one worker {TEN_MILLION / one / 3600:.1f} h, "
        f"two workers {TEN_MILLION / two / 3600:.1f} h, "
        f"20 workers (if linear) {TEN_MILLION / (one * 20) / 60:.0f} min"
    )
