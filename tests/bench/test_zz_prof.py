import asyncio, contextlib, cProfile, pstats, time, os
from pathlib import Path
from typing import Any, cast
import httpx
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from tests.conftest import environment_for_tests, serve_in_process
from tests.bench.test_entitlements_fanout import CONNECTORS, _register_connectors, _session_cookies, CONNECTOR_DELAY_MS
from tests.demo_agencies import running_demo_agencies

async def _get(app, path, cookie):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": os.environ.get("PROF_QUERY", "").encode(), "root_path": "",
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())]}
    status = 0
    body = []
    async def receive(): return {"type": "http.request", "body": b"", "more_body": False}
    async def send(m):
        nonlocal status
        if m["type"] == "http.response.start": status = m["status"]
        elif m["type"] == "http.response.body": body.append(m.get("body", b""))
    await app(scope, receive, send)
    return status, b"".join(body)

async def test_prof(settings: Settings, tmp_path: Path) -> None:
    environ = environment_for_tests(tmp_path, DATABASE_URL=settings.database_url or "", REDIS_URL=settings.redis_url or "", LOG_LEVEL="WARNING", ENTITLEMENTS_REFRESH_COOLDOWN_SECONDS="0", ENTITLEMENTS_FANOUTS_PER_PROCESS="1000", REQUESTS_IN_FLIGHT_PER_PROCESS="1000")
    app = create_app(load_settings(environ))
    names = [*CONNECTORS, "health-copy"]
    path = os.environ.get("PROF_PATH", "/api/v1/entitlements")
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(running_demo_agencies()) for _ in names]
        base_urls = [f"{server}/{name.removesuffix('-copy')}" for server, name in zip(servers, names, strict=True)]
        async with serve_in_process(app):
            pool = app.state.resources.pool
            await _register_connectors(pool, base_urls, names)
            cookies = await _session_cookies(app.state.identity, pool, 20)
            for c in cookies:
                s, b = await _get(app, path, c)
                assert s == 200, b[:300]
            for _ in range(int(os.environ.get('PROF_WARM', '300'))):
                for c in cookies: await _get(app, path, c)
            n = int(os.environ.get('PROF_N', '4000'))
            prof = cProfile.Profile()
            t = time.process_time()
            prof.enable()
            for i in range(n):
                await _get(app, path, cookies[i % 20])
            prof.disable()
            print(f"\nCPU per request {(time.process_time()-t)/n*1e6:.0f} us (profiled)")
            t = time.process_time()
            for i in range(n):
                await _get(app, path, cookies[i % 20])
            print(f"CPU per request {(time.process_time()-t)/n*1e6:.0f} us (unprofiled)")
            prof.dump_stats("/tmp/cached.prof")
