"""The benchmark's baselines: a bare Litestar app returning a stored JSON payload (BENCH_PAYLOAD_FILE),
served by granian exactly as the real app is, so that the ratio compares our request path, not servers.

``/same-size-after-redis`` first makes the one Redis read a logged-in cached page cannot do without (an
MGET of the session and the citizen's cached answers, as ``backend.identity.auth`` does), with the
app's own client (redis-py with hiredis, BENCH_REDIS_URL): the best any Redis-backed cached path could
do."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
import redis.asyncio
from litestar import Litestar, get

SESSION_KEY = "bench-bare:{c}:session"
ANSWER_KEYS = [f"bench-bare:{{c}}:answer:{index}" for index in range(16)]  # copies and holds


def create_bare_app() -> Litestar:
    raw = Path(os.environ["BENCH_PAYLOAD_FILE"]).read_bytes()
    payload = msgspec.json.decode(raw)
    client = redis.asyncio.Redis.from_url(os.environ["BENCH_REDIS_URL"])

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await client.set(SESSION_KEY, raw[:400])
        await client.mset({key: raw[: len(raw) // 8] for key in ANSWER_KEYS})
        yield
        await client.aclose()

    @get("/same-size")
    async def same_size() -> Any:
        return payload

    @get("/same-size-after-redis")
    async def same_size_after_redis() -> Any:
        await client.mget(SESSION_KEY, *ANSWER_KEYS)
        return payload

    return Litestar(
        route_handlers=[same_size, same_size_after_redis], lifespan=[lifespan], logging_config=None
    )
