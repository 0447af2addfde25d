"""What each process opens once and closes on the way out: the asyncpg pool, one Redis client
(shared by the SAQ queue, sessions and caches), the vetted outbound clients (``backend.core.outbound``:
connectors and webhooks, and web pushes) and the httpx client for the operator's identity provider;
with them, the task registry the composition root built (``backend.server.tasks``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field

import httpx
import redis.asyncio
import redis.exceptions
import structlog
from saq.job import Job
from saq.queue.redis import RedisQueue

from backend.core.db import Pool, create_pool
from backend.core.http import create_http_client
from backend.core.outbound import OutboundClient
from backend.core.redis_reads import PipelinedReads
from backend.core.tasks import TaskRegistry
from backend.settings import Settings

_log = structlog.get_logger(__name__)

QUEUE_NAME = "citizen"
REDIS_DOWN_PAUSE_SECONDS = 1.0
_UNREACHABLE_WARNING_EVERY_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Resources:
    settings: Settings
    pool: Pool
    redis: redis.asyncio.Redis
    reads: PipelinedReads
    """The request path's MGET of a session and its page's keys, pipelined on a connection of its own."""
    queue: RedisQueue
    http: httpx.AsyncClient
    """Only for the identity provider the operator configured (and the demo's own parts)."""
    outbound: OutboundClient
    """Agencies' connectors, their token endpoints and their webhooks."""
    push_outbound: OutboundClient
    """Citizens' push services (loopback allowed only with ALLOW_LOOPBACK_PUSH)."""
    tasks: TaskRegistry
    """Which handler runs each kind of task (``backend.server.tasks`` builds it)."""
    push_slots: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    """Per push service (origin): how many pushes this process may have in flight to it."""


class PatientQueue(RedisQueue):
    """SAQ's Redis queue, except that a worker whose Redis is unreachable waits between tries: SAQ
    starts the next dequeue at once after a failed one, which spins every worker at full CPU."""

    _last_warning = 0.0

    async def dequeue(self, timeout: float = 0.0, poll_interval: float = 0.0) -> Job | None:  # noqa: ASYNC109
        try:
            return await super().dequeue(timeout, poll_interval)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
            if time.monotonic() - self._last_warning > _UNREACHABLE_WARNING_EVERY_SECONDS:
                self._last_warning = time.monotonic()
                _log.warning("queue_unreachable", error=type(exc).__name__)
            await asyncio.sleep(REDIS_DOWN_PAUSE_SECONDS)
            return None


def create_redis(url: str, max_connections: int, wait_seconds: float = 5.0) -> redis.asyncio.Redis:
    # A blocking pool: under a burst, a request waits briefly (``wait_seconds``) for a free connection
    # instead of failing at once as redis-py's default pool does when it runs out; then a 503.
    pool = redis.asyncio.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=wait_seconds,
        socket_timeout=5,
        socket_connect_timeout=3,
        health_check_interval=30,
        retry_on_timeout=True,
    )
    return redis.asyncio.Redis(connection_pool=pool)


async def _disconnect_quietly(queue: RedisQueue) -> None:
    try:
        await queue.disconnect()
    except (redis.exceptions.RedisError, OSError) as exc:  # Redis already gone: nothing left to close
        _log.warning("queue_disconnect_failed", error=type(exc).__name__)


@asynccontextmanager
async def open_resources(
    settings: Settings, tasks: TaskRegistry, *, serving: bool = False
) -> AsyncIterator[Resources]:
    """``serving``: for the API, whose requests wait at most ``db_pool_wait_seconds`` and
    ``redis_pool_wait_seconds`` for a connection (then 503); the worker's tasks wait their turn."""
    if not settings.database_url or not settings.redis_url:
        raise RuntimeError(
            "open_resources needs DATABASE_URL and REDIS_URL resolved (see backend.demo.embedded)"
        )
    async with AsyncExitStack() as stack:
        pool = await create_pool(
            settings.database_url,
            min_size=settings.db_pool_min_size,
            max_size=settings.db_pool_max_size,
            command_timeout=settings.db_command_timeout_seconds,
            acquire_timeout=settings.db_pool_wait_seconds if serving else None,
        )
        stack.push_async_callback(pool.close)
        redis_client = create_redis(
            settings.redis_url,
            settings.redis_max_connections,
            wait_seconds=settings.redis_pool_wait_seconds if serving else 5.0,
        )
        stack.push_async_callback(redis_client.aclose)
        reads = PipelinedReads(redis_client)
        stack.push_async_callback(reads.aclose)
        queue = PatientQueue(redis_client, name=QUEUE_NAME)
        await queue.connect()
        stack.push_async_callback(_disconnect_quietly, queue)
        http = create_http_client(
            connect_timeout=settings.http_connect_timeout_seconds,
            total_timeout=settings.http_timeout_seconds,
        )
        stack.push_async_callback(http.aclose)
        outbound = OutboundClient(
            allow_private=bool(settings.allow_private_connector_hosts),
            connect_timeout=settings.http_connect_timeout_seconds,
        )
        stack.push_async_callback(outbound.aclose)
        push_outbound = OutboundClient(
            allow_private=bool(settings.allow_loopback_push),
            connect_timeout=settings.http_connect_timeout_seconds,
        )
        stack.push_async_callback(push_outbound.aclose)
        _log.info("resources_opened", pool_max=settings.db_pool_max_size)
        yield Resources(
            settings=settings,
            pool=pool,
            redis=redis_client,
            reads=reads,
            queue=queue,
            http=http,
            outbound=outbound,
            push_outbound=push_outbound,
            tasks=tasks,
        )
    _log.info("resources_closed")
