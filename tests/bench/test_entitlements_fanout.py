"""GET /api/v1/entitlements with eight connectors that each answer in 50 ms (``make bench``).

Reports, in one run and on one server (in-process, the same event loop for every path):
- the latency the platform adds above the slowest connector, p50 and p99, with 200 citizens asking at
  once and nothing cached (target: p99 under 10 ms);
- the cached path's requests per second against a bare Litestar endpoint returning a payload of the
  same size (target: at least half).
Figures are printed, never asserted: the machine is shared and noisy. The demo agencies answering
here are Python too and share the machine's cores, so their own cost under the burst counts in the
"added" figure. ``BENCH_CITIZENS=20`` changes the crowd; ``BENCH_PROFILE=uncached|cached`` prints a
pyinstrument profile of that phase.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path
from typing import Any, cast

import httpx
import msgspec
from litestar import Litestar, get

from backend.app import create_app
from backend.identity.service import Identity, session_cookie_name
from backend.settings import Settings, load_settings
from tests.conftest import app_client, environment_for_tests, serve_in_process
from tests.demo_agencies import running_demo_agencies
from tests.factories import make_agency, make_citizen

CONNECTORS = [
    "social-security",
    "health",
    "child-support",
    "welfare-card",
    "elderly",
    "credit-bureau",
    "education",
]
CONNECTOR_DELAY_MS = 50
CITIZENS = int(os.environ.get("BENCH_CITIZENS", "200"))
CACHED_REQUESTS = 2000
CACHED_CONCURRENCY = 20


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def _throughput(clients: list[httpx.AsyncClient], path: str) -> float:
    per_worker = CACHED_REQUESTS // CACHED_CONCURRENCY

    async def worker(client: httpx.AsyncClient) -> None:
        for _ in range(per_worker):
            response = await client.get(path)
            assert response.status_code == 200

    started = time.perf_counter()
    await asyncio.gather(*(worker(clients[i % len(clients)]) for i in range(CACHED_CONCURRENCY)))
    return per_worker * CACHED_CONCURRENCY / (time.perf_counter() - started)


async def _register_connectors(pool: Any, agencies: str, names: list[str]) -> None:
    for name in names:
        agency_id = await make_agency(pool, status="approved")
        await pool.execute(
            """
            INSERT INTO connectors (agency_id, name, title_th, title_en, base_url, auth_kind,
                                    timeout_ms, retries, cache_seconds, purpose)
            VALUES ($1, $2, $2, $2, $3, 'none', 2000, 0, 3600, 'benchmark')
            """,
            agency_id,
            name,
            f"{agencies}/{name.removesuffix('-copy')}",
        )


async def _signed_in_browsers(app: Litestar, identity: Identity, pool: Any) -> list[httpx.AsyncClient]:
    browsers = []
    for _ in range(CITIZENS):
        citizen_id = await make_citizen(pool, identity.cipher)
        token, _ = await identity.sessions.create(
            citizen_id, acr=None, amr=[], auth_time=None, user_agent="bench", ip_address="127.0.0.1"
        )
        browser = app_client(app)
        browser.cookies.set(session_cookie_name(identity.settings), token)
        browsers.append(browser)
    return browsers


async def test_entitlements_fan_out_overhead_and_cached_throughput(
    settings: Settings, tmp_path: Path
) -> None:
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        LOG_LEVEL="WARNING",
        DB_POOL_MAX_SIZE="20",
    )
    app = create_app(load_settings(environ))
    with running_demo_agencies() as agencies:
        async with httpx.AsyncClient() as control:
            for service in CONNECTORS:
                await control.post(
                    f"{agencies}/{service}/_control", json={"mode": "slow", "delay_ms": CONNECTOR_DELAY_MS}
                )
        async with serve_in_process(app):
            identity: Identity = app.state.identity
            pool = app.state.resources.pool
            names = [*CONNECTORS, "health-copy"]  # eight connectors, each of its own agency
            await _register_connectors(pool, agencies, names)
            browsers = await _signed_in_browsers(app, identity, pool)

            late: list[int] = []

            async def timed(browser: httpx.AsyncClient) -> float:
                started = time.perf_counter()
                response = await browser.get("/api/v1/entitlements", params={"refresh": "true"})
                assert response.status_code == 200
                late.append(sum(a["state"] != "fresh" for a in response.json()["agencies"]))
                return (time.perf_counter() - started) * 1000

            await asyncio.gather(*(timed(browser) for browser in browsers))  # warm-up: connections, caches
            late.clear()
            profiler = None
            if os.environ.get("BENCH_PROFILE") == "uncached":
                import pyinstrument

                profiler = pyinstrument.Profiler(async_mode="enabled")
                profiler.start()
            latencies = await asyncio.gather(*(timed(browser) for browser in browsers))
            if profiler is not None:
                profiler.stop()
                print(profiler.output_text(unicode=False, color=False)[:8000])
            unanswered = sum(late)
            added = [latency - CONNECTOR_DELAY_MS for latency in latencies]

            for browser in browsers[:CACHED_CONCURRENCY]:  # every connector's answer cached for these
                primed = (await browser.get("/api/v1/entitlements", params={"refresh": "true"})).json()
                assert {a["state"] for a in primed["agencies"]} == {"fresh"}
            cached_body = (await browsers[0].get("/api/v1/entitlements")).content
            profiler = None
            if os.environ.get("BENCH_PROFILE") == "cached":
                import pyinstrument

                profiler = pyinstrument.Profiler(async_mode="enabled")
                profiler.start()
            ours = await _throughput(browsers, "/api/v1/entitlements")
            if profiler is not None:
                profiler.stop()
                print(profiler.output_text(unicode=False, color=False, show_all=False)[:6000])

            payload = msgspec.json.decode(cached_body)

            @get("/same-size")
            async def same_size() -> Any:
                return payload

            bare = Litestar(route_handlers=[same_size], logging_config=None)
            transport = httpx.ASGITransport(app=cast(Any, bare))
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as bare_client:
                baseline = await _throughput([bare_client], "/same-size")
            for browser in browsers:
                await browser.aclose()
    print(
        f"\nentitlements, {len(names)} connectors x {CONNECTOR_DELAY_MS} ms, {CITIZENS} citizens at once, "
        f"uncached: added above the slowest connector p50 {statistics.median(added):.1f} ms, "
        f"p99 {_percentile(added, 0.99):.1f} ms; "
        f"answers missing the deadline: {unanswered} of {len(names) * CITIZENS}"
        f"\ncached path {ours:,.0f} req/s vs bare Litestar same-size JSON {baseline:,.0f} req/s: "
        f"ratio {ours / baseline:.2f} (at {CACHED_CONCURRENCY} concurrent, {len(cached_body):,} bytes)"
    )
