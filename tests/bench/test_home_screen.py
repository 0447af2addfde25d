"""The home screen (GET /api/v1/tiles, logged in: favourites and recently used first, for the citizen's
age) per second, measured by wrk, against a bare Litestar endpoint returning a payload of the same size,
both served by granian with the same workers, in one run (``make bench``). Printed, never asserted."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import httpx

from backend.catalogue import queries as catalogue_queries
from backend.identity.service import Identity
from backend.identity.sessions import citizen_of_token
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from tests.bench.test_entitlements_fanout import (
    CACHED_CONNECTIONS,
    WORKERS,
    _cookie_rotation,
    _session_cookies,
    _wrk_costed,
)
from tests.conftest import environment_for_tests, serve_in_process
from tests.demo_agencies import serving
from tests.factories import make_agency
from tests.factories.catalogue import make_tile
from tests.helpers.ports import free_port

TILES = 40
CITIZENS = 20
HOME = "/api/v1/tiles?lang=th"


async def test_home_screen_against_bare_litestar(settings: Settings, tmp_path: Path) -> None:
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        LOG_LEVEL="WARNING",
    )
    app = create_app(load_settings(environ))
    async with serve_in_process(app):  # to set up data with the app's own services
        identity: Identity = app.state.identity
        pool = app.state.resources.pool
        agency_id = await make_agency(pool, status="approved")
        categories = ["welfare", "health", "education", "tax"]
        tiles = [
            (await make_tile(pool, agency_id, category=categories[number % len(categories)])).id
            for number in range(TILES)
        ]
        cookies = await _session_cookies(identity, pool, CITIZENS)
        for cookie in cookies:
            citizen_id = citizen_of_token(cookie.partition("=")[2])
            assert citizen_id is not None
            for tile_id in tiles[:3]:
                await catalogue_queries.set_favourite(pool, uuid.UUID(citizen_id), tile_id, True)
            for tile_id in tiles[3:6]:
                await catalogue_queries.record_use(pool, uuid.UUID(citizen_id), tile_id)

    port = free_port()
    served = {**environ, "PORT": str(port), "WEB_WORKERS": WORKERS}
    with serving([sys.executable, "-m", "backend.server.cli", "serve"], served, port, "/readyz") as base:
        async with httpx.AsyncClient(base_url=base) as http:
            for cookie in cookies:
                primed = await http.get(HOME, headers={"Cookie": cookie})
                assert primed.status_code == 200, primed.text
                assert len(primed.json()["favourites"]) == 3
            body = primed.content
        ours, ours_cpu_us = _wrk_costed(base, port, _cookie_rotation(tmp_path / "home.lua", cookies, HOME))

    payload_file = tmp_path / "home.json"
    payload_file.write_bytes(body)
    port = free_port()
    bare = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--host", "127.0.0.1",
            "--port", str(port), "--workers", WORKERS, "--no-access-log",
            "tests.bench.bare_app:create_bare_app"]  # fmt: skip
    bare_environment = {"BENCH_PAYLOAD_FILE": str(payload_file), "BENCH_REDIS_URL": settings.redis_url or ""}
    with serving(bare, bare_environment, port, "/same-size") as bare_base:
        baseline, bare_cpu_us = _wrk_costed(f"{bare_base}/same-size", port)
    ratio = ours / baseline
    print(
        f"\nhome screen {HOME} logged in ({TILES} tiles, 3 favourites and 3 recent each), granian "
        f"{WORKERS} worker(s), wrk {CACHED_CONNECTIONS} connections: {ours:,.0f} req/s vs bare Litestar "
        f"same-size JSON {baseline:,.0f} req/s ({len(body):,} bytes)"
        f"\n  TARGET home screen >= 0.3 of bare Litestar: {ratio:.2f} "
        f"[{'met' if ratio >= 0.3 else 'NOT met'}] (before issue 24: 0.05)"
        f"\n  CPU a request: ours {ours_cpu_us:,.0f} us, bare {bare_cpu_us:,.0f} us"
    )
