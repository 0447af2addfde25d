"""A surge meets a short wait, not a queue: an API request that cannot get a database connection within
DB_POOL_WAIT_SECONDS is answered 503 with Retry-After at once (in the problem's words), while a request
that got one is served; the worker's pool, whose tasks are nobody's phone, waits its turn."""

from __future__ import annotations

from pathlib import Path

import msgspec
from litestar import Litestar

from backend.core.resources import Resources
from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import serve_in_process

ORIGIN = "http://127.0.0.1:8000"


async def test_a_request_that_finds_every_connection_taken_is_told_to_come_back_at_once(
    settings: Settings, tmp_path: Path
) -> None:
    small = msgspec.structs.replace(
        settings, db_pool_min_size=1, db_pool_max_size=1, db_pool_wait_seconds=0.3
    )
    app: Litestar = create_app(small)
    async with serve_in_process(app, ORIGIN) as client:
        assert (await client.get("/api/v1/open/senders")).status_code == 200
        resources: Resources = app.state.resources
        async with resources.pool.acquire(timeout=5):  # the only connection, busy with someone else
            # Without the deadline this would wait for the connection the test holds: for ever.
            refused = await client.get("/api/v1/open/senders")
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "/problems/service-unavailable"
        assert int(refused.headers["retry-after"]) >= 1
        assert (await client.get("/api/v1/open/senders")).status_code == 200  # free again: served
