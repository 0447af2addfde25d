"""Liveness and readiness for load balancers and orchestrators, and (with ``/metrics``) the router of
what operations' machines ask; none of it needs a login, and none of it tells anything personal."""

from __future__ import annotations

import asyncio

import msgspec
from litestar import Router, get
from litestar.di import NamedDependency

from backend.core.db import ping
from backend.core.errors import ServiceUnavailable
from backend.core.metrics import metrics
from backend.core.resources import Resources

_CHECK_TIMEOUT_SECONDS = 2.0


class Health(msgspec.Struct, frozen=True):
    status: str


class Readiness(msgspec.Struct, frozen=True):
    status: str
    postgres: str
    redis: str


@get("/healthz", tags=["operations"], summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@get("/readyz", tags=["operations"], summary="PostgreSQL and Redis answer; 503 when either does not")
async def readyz(resources: NamedDependency[Resources]) -> Readiness:
    async def check_redis() -> None:
        await asyncio.wait_for(resources.redis.ping(), _CHECK_TIMEOUT_SECONDS)

    results = await asyncio.gather(
        ping(resources.pool, _CHECK_TIMEOUT_SECONDS), check_redis(), return_exceptions=True
    )
    down = [name for name, result in zip(("PostgreSQL", "Redis"), results, strict=True) if result is not None]
    if down:
        raise ServiceUnavailable(
            f"Not ready: {' and '.join(down)} not answering", headers={"Retry-After": "5"}
        )
    return Readiness(status="ready", postgres="ok", redis="ok")


router = Router("/", route_handlers=[healthz, readyz, metrics])
