"""Prometheus metrics at ``/metrics``.

Request counts and latencies by route template come from Litestar's Prometheus plugin
(``litestar.plugins.prometheus``). Pool usage, queue depth and pending tasks are gauges read at
scrape time, since they are cheap to read and stale values would mislead.
"""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.plugins.prometheus import PrometheusConfig
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest

from backend.core.resources import Resources
from backend.core.tasks import pending_task_count

PROMETHEUS_CONFIG = PrometheusConfig(
    app_name="citizen",
    prefix="citizen",
    group_path=True,
    exclude=["^/metrics$", "^/healthz$"],
)

_POOL_SIZE = Gauge("citizen_db_pool_connections", "Open PostgreSQL connections in this process's pool")
_POOL_IN_USE = Gauge("citizen_db_pool_connections_in_use", "Pool connections checked out right now")
_POOL_MAX = Gauge("citizen_db_pool_connections_max", "Most connections the pool may open")
_QUEUE_DEPTH = Gauge("citizen_queue_jobs", "Jobs in the SAQ queue", ["state"])
_TASKS_PENDING = Gauge("citizen_tasks_pending", "Task outbox rows not yet done (includes scheduled)")


async def refresh_gauges(resources: Resources) -> None:
    pool = resources.pool
    _POOL_SIZE.set(pool.get_size())
    _POOL_IN_USE.set(pool.get_size() - pool.get_idle_size())
    _POOL_MAX.set(pool.get_max_size())
    for state in ("queued", "active", "incomplete"):
        _QUEUE_DEPTH.labels(state=state).set(await resources.queue.count(state))
    _TASKS_PENDING.set(await pending_task_count(pool))


@get("/metrics", include_in_schema=False)
async def metrics(resources: NamedDependency[Resources]) -> Response[bytes]:
    await refresh_gauges(resources)
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
