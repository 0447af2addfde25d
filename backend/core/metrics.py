"""Prometheus metrics at ``/metrics``.

Request counts and latencies by route template, with the names, labels and types Litestar's Prometheus
plugin gives them (``citizen_requests_total``, ``citizen_request_duration_seconds``,
``citizen_requests_in_progress``, ``citizen_requests_error_total``). The plugin's middleware built a
request object, label dicts and looked up labelled children on every request, about a tenth of a
cached page's CPU; here a request adds to plain integers (``RequestMetrics.finished``, called by the
request pipeline, ``backend.core.pipeline``) and the samples are made at scrape time. Pool usage,
queue depth and pending tasks are gauges read at scrape time, since they are cheap to read and stale
values would mislead.
"""

from __future__ import annotations

import bisect
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from litestar import Response, get
from litestar.di import NamedDependency
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample
from prometheus_client.utils import floatToGoString

from backend.core.resources import Resources
from backend.core.tasks import pending_task_count

if TYPE_CHECKING:
    from litestar.types import Scope

APP_NAME = "citizen"
_EXCLUDED = re.compile("^/metrics$|^/healthz$")  # the scraper's and the prober's own requests
_BOUNDS = tuple(Histogram.DEFAULT_BUCKETS)  # the last is +Inf
_BOUND_NAMES = [floatToGoString(bound) for bound in _BOUNDS]  # type: ignore[no-untyped-call]
_LABELS = ["method", "path", "status_code", "app_name"]

_POOL_SIZE = Gauge("citizen_db_pool_connections", "Open PostgreSQL connections in this process's pool")
_POOL_IN_USE = Gauge("citizen_db_pool_connections_in_use", "Pool connections checked out right now")
_POOL_MAX = Gauge("citizen_db_pool_connections_max", "Most connections the pool may open")
_QUEUE_DEPTH = Gauge("citizen_queue_jobs", "Jobs in the SAQ queue", ["state"])
_TASKS_PENDING = Gauge("citizen_tasks_pending", "Task outbox rows not yet done (includes scheduled)")


class _Route:
    """One route, method and status: its count and latency histogram."""

    __slots__ = ("buckets", "created", "sum", "total")

    def __init__(self) -> None:
        self.created = time.time()
        self.total = 0
        self.sum = 0.0
        self.buckets = [0] * len(_BOUNDS)


class RequestMetrics(Collector):
    """Requests by route template (only routed requests, as the plugin counted them), in this process."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str, int], _Route] = {}
        self._errors: dict[tuple[str, str, int], tuple[float, int]] = {}
        self._scopes: dict[int, Scope] = {}
        """Requests at work now, by the id of their scope: those routed are in progress."""
        self._seen_in_progress: dict[tuple[str, str], None] = {}  # in the order first seen

    def started(self, scope: Scope) -> None:
        self._scopes[id(scope)] = scope

    def finished(self, scope: Scope, status: int, seconds: float) -> None:
        del self._scopes[id(scope)]
        template = scope.get("path_template")
        if template is None or _EXCLUDED.search(scope["path"]):
            return
        key = (str(scope.get("method", "GET")), template, status)
        route = self._routes.get(key)
        if route is None:
            route = self._routes[key] = _Route()
            self._seen_in_progress[key[:2]] = None
        route.total += 1
        route.sum += seconds
        route.buckets[bisect.bisect_left(_BOUNDS, seconds)] += 1
        if status >= 500:
            created, count = self._errors.get(key, (time.time(), 0))
            self._errors[key] = (created, count + 1)

    def collect(self) -> Iterator[Metric]:
        if not self._routes and not self._scopes:
            return  # as the plugin, which made its metrics on the first request
        in_progress: dict[tuple[str, str], int] = dict.fromkeys(self._seen_in_progress, 0)
        for scope in list(self._scopes.values()):
            template = scope.get("path_template")
            if template is not None and not _EXCLUDED.search(scope["path"]):
                key = (str(scope.get("method", "GET")), template)
                in_progress[key] = in_progress.get(key, 0) + 1
                self._seen_in_progress[key] = None
        progress = GaugeMetricFamily(
            f"{APP_NAME}_requests_in_progress", "Total requests currently in progress", labels=_LABELS
        )
        for (method, path), count in in_progress.items():
            progress.add_metric([method, path, "200", APP_NAME], count)  # labelled before the answer
        yield progress
        counts = CounterMetricFamily(f"{APP_NAME}_requests", "Total requests", labels=_LABELS)
        times = HistogramMetricFamily(
            f"{APP_NAME}_request_duration_seconds", "Request duration, in seconds", labels=_LABELS
        )
        for (method, path, status), route in list(self._routes.items()):
            labels = [method, path, str(status), APP_NAME]
            counts.add_metric(labels, route.total, created=route.created)
            running, buckets = 0, []
            for bound, count in zip(_BOUND_NAMES, route.buckets, strict=True):
                running += count
                buckets.append((bound, float(running)))
            times.add_metric(labels, buckets, route.sum)
            times.samples.append(
                Sample(times.name + "_created", dict(zip(_LABELS, labels, strict=True)), route.created)
            )
        yield counts
        yield times
        if self._errors:
            errors = CounterMetricFamily(
                f"{APP_NAME}_requests_error", "Total errors in requests", labels=_LABELS
            )
            for (method, path, status), (created, count) in list(self._errors.items()):
                errors.add_metric([method, path, str(status), APP_NAME], count, created=created)
            yield errors


REQUEST_METRICS = RequestMetrics()
REGISTRY.register(REQUEST_METRICS)


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
