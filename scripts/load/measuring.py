"""Memory and CPU of every process (and of PostgreSQL's backends and Redis), sampled on a thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import psutil
import redis
import redis.asyncio

from scripts.load.processes import Children


@dataclass
class Usage:
    rss: int
    cpu: float
    processes: int


@dataclass
class Sample:
    at: float
    services: dict[str, Usage]
    postgres_backends: int
    postgres_private: int | None
    """Summed private memory (USS) of this database's backends when the server runs here; their RSS
    would count the shared buffers once per backend."""
    postgres_cpu: float | None
    """CPU seconds of this database's backends so far, those that have ended included (as last seen)."""
    postgres_ids: list[str]
    redis_used: int
    redis_keys: int
    key_families: dict[str, int]
    """Keys by what comes before their first colon (first and last sample only: it scans them all)."""
    redis_cpu: float | None
    outbox_due: int
    machine_busy: float
    """CPU seconds the whole machine has spent not idle, all cores together."""
    ours: float
    """CPU seconds of this run: this script and every process under it (live or done), and this
    database's PostgreSQL backends and the Redis server when they run here."""


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "unix" or parts.hostname in (None, "", "127.0.0.1", "localhost", "::1")


def _tree_cpu() -> float:
    me = psutil.Process()
    times = me.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for process in me.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            child = process.cpu_times()
            total += child.user + child.system
    return total


def other_work(before: Sample, after: Sample) -> float:
    """What the rest of the machine used between two samples, in % of one core: the figures measured
    meanwhile had that much less of the machine."""
    busy = after.machine_busy - before.machine_busy
    return 100 * max(0.0, busy - (after.ours - before.ours)) / ((after.at - before.at) or 1.0)


def _machine_busy() -> float:
    times = psutil.cpu_times()
    return float(sum(times)) - times.idle - getattr(times, "iowait", 0.0)


def _backend_usage(pids: list[int]) -> tuple[int | None, dict[str, float]]:
    """Summed private memory, and each one's CPU seconds by pid and start time (the pools replace their
    connections, after 50,000 queries for one), of PostgreSQL backends on this machine."""
    private, cpu = 0, {}
    for pid in pids:
        try:
            process = psutil.Process(pid)
            if not process.name().startswith("postgres"):
                return None, {}  # not this machine's server after all
            private += process.memory_full_info().uss
            times = process.cpu_times()
            cpu[f"{pid}@{process.create_time()}"] = times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return private, cpu


class Probe:
    def __init__(self, children: Children, services: list[str], database_url: str, redis_url: str) -> None:
        self.children = children
        self.services = services
        self.database_url = database_url
        self.redis_url = redis_url
        self.redis = redis.Redis.from_url(redis_url)
        self.backend_cpu: dict[str, float] = {}

    def sample(self, *, families: bool = False) -> Sample:
        services = {}
        for name in self.services:
            rss, cpu, count = 0, 0.0, 0
            for process in self.children.tree(name):
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss += process.memory_info().rss
                    times = process.cpu_times()
                    cpu += times.user + times.system
                    count += 1
            services[name] = Usage(rss, cpu, count)
        backends, outbox_due = asyncio.run(self._postgres())
        private, backend_cpu = _backend_usage(backends) if _is_local(self.database_url) else (None, {})
        self.backend_cpu.update(backend_cpu)
        postgres_cpu = sum(self.backend_cpu.values()) if private is not None else None
        info: dict[str, Any] = self.redis.info()
        redis_cpu = None
        if _is_local(self.redis_url):
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                times = psutil.Process(int(info["process_id"])).cpu_times()
                redis_cpu = times.user + times.system
        return Sample(
            at=time.monotonic(),
            services=services,
            postgres_backends=len(backends),
            postgres_private=private,
            postgres_cpu=postgres_cpu,
            postgres_ids=list(backend_cpu),
            redis_used=int(info["used_memory"]),
            redis_keys=int(self.redis.dbsize()),
            key_families=self._families() if families else {},
            machine_busy=_machine_busy(),
            ours=_tree_cpu() + (postgres_cpu or 0.0) + (redis_cpu or 0.0),
            redis_cpu=redis_cpu,
            outbox_due=outbox_due,
        )

    def _families(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for key in self.redis.scan_iter(count=1000):
            counts[key.split(b":", 1)[0].decode(errors="replace")] += 1
        return dict(counts.most_common())

    async def _postgres(self) -> tuple[list[int], int]:
        connection = await asyncpg.connect(self.database_url)
        try:
            pids = await connection.fetch(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            due: int = await connection.fetchval(
                "SELECT count(*) FROM task_outbox WHERE state = 'pending' AND run_after <= now()"
            )
        finally:
            await connection.close()
        return [row["pid"] for row in pids], due


class Sampler:
    """Samples every ``every`` seconds on a thread of its own, from ``start()`` to ``stop()``."""

    def __init__(self, probe: Probe, every: float) -> None:
        self.probe = probe
        self.every = every
        self.samples: list[Sample] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(self.probe.sample(families=not self.samples))
            if self._stopping.wait(self.every):
                return

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stopping.set()
            self._thread.join()
            self.samples.append(self.probe.sample(families=True))  # the last one at the very end
