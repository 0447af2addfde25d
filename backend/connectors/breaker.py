"""Each connector's circuit breaker and the durations of its recent calls, kept in Redis so that every
replica sees them.

An entitlements page asks up to every connector at once, and a Redis command costs the app about half
the CPU of an agency call (80 against 120-160 us measured): a page takes the breakers as this process
last read them (at most a second ago; its own calls' outcomes at once), read for all pages in one round
trip, and notes what its calls taught (``CallBatch``) in the one pipeline that caches its answers;
their durations are gathered and written within a second, for all pages of that second together.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from dataclasses import dataclass, field

import redis.asyncio
import structlog
from redis.asyncio.client import Pipeline

_log = structlog.get_logger(__name__)

_BREAKER_KEY = "breaker:{}"
_LATENCY_KEY = "connector-latency:{}"
LATENCY_SAMPLES = 100
"""How many recent answered calls' durations are kept per connector (Redis: rebuilt by the calls)."""
_LATENCY_KEEP_SECONDS = 86_400
_BREAKER_FAILURES = 5
_BREAKER_OPEN_SECONDS = 30
_BREAKER_KEEP_SECONDS = 3600
_HELD_SECONDS = 1.0
"""How long a process goes by the breakers it read: another replica's opening is seen this late at most
(the breaker stays open for ``_BREAKER_OPEN_SECONDS``); the process's own outcomes count at once."""
_GATHER_SECONDS = 1.0
"""How long the durations of calls are gathered before they are written."""

Reading = tuple[bool, bool]
"""(may call now, has recent failures)."""


@dataclass(slots=True)
class CallBatch:
    """The breakers as a page found them, and what its calls taught, written together after them."""

    readings: dict[int, Reading]
    latencies_ms: list[tuple[int, int]] = field(default_factory=list)
    """(connector, duration) of each answered call."""
    successes: set[int] = field(default_factory=set)
    """Connectors whose failure count an answer resets."""


def _reading(failures: bytes | str | None, opened_until: bytes | str | None) -> Reading:
    return (opened_until is None or float(opened_until) <= time.time()), failures is not None


class CircuitBreaker:
    """Per connector, shared by every replica: after ``_BREAKER_FAILURES`` failures in a row the
    breaker opens for ``_BREAKER_OPEN_SECONDS``; then one call is let through (half-open) and its
    outcome closes or reopens it."""

    def __init__(self, redis_client: redis.asyncio.Redis) -> None:
        self._redis = redis_client
        self._held: dict[int, Reading] = {}
        self._held_at = float("-inf")
        self._reading: tuple[asyncio.Future[None], frozenset[int]] | None = None
        self._latencies: defaultdict[int, list[int]] = defaultdict(list)
        self._writing: asyncio.TimerHandle | None = None
        self._flushes: set[asyncio.Future[None]] = set()

    def forget(self) -> None:
        """Read every breaker again, and drop the durations gathered (tests that change Redis)."""
        self._held.clear()
        self._held_at = float("-inf")
        self._latencies.clear()
        if self._writing is not None:
            self._writing.cancel()
            self._writing = None

    async def allows(self, connector_id: int) -> Reading:
        """As Redis has it now."""
        failures, opened_until = await self._redis.hmget(
            _BREAKER_KEY.format(connector_id), "failures", "open_until"
        )
        return _reading(failures, opened_until)

    async def readings(self, connector_ids: list[int]) -> dict[int, Reading]:
        """``allows`` of each, as read at most ``_HELD_SECONDS`` ago, with this process's own outcomes
        since; one round trip refreshes them for every page asking meanwhile."""
        if not connector_ids:
            return {}
        if time.monotonic() - self._held_at >= _HELD_SECONDS or not self._held.keys() >= set(connector_ids):
            pending = self._reading
            if pending is None or not pending[1] >= set(connector_ids):
                wanted = frozenset(connector_ids) | self._held.keys()
                pending = self._reading = (asyncio.ensure_future(self._read(wanted)), wanted)
            try:
                await asyncio.shield(pending[0])
            finally:
                if self._reading is pending and pending[0].done():
                    self._reading = None
        return {connector_id: self._held[connector_id] for connector_id in connector_ids}

    async def _read(self, connector_ids: frozenset[int]) -> None:
        started = time.monotonic()
        ordered = sorted(connector_ids)
        async with self._redis.pipeline(transaction=False) as pipe:
            for connector_id in ordered:
                pipe.hmget(_BREAKER_KEY.format(connector_id), "failures", "open_until")
            values = await pipe.execute()
        self._held = {
            connector_id: _reading(failures, opened_until)
            for connector_id, (failures, opened_until) in zip(ordered, values, strict=True)
        }
        self._held_at = started

    async def state(self, connector_id: int) -> str:
        key = _BREAKER_KEY.format(connector_id)
        values = await self._redis.hmget(key, "failures", "open_until")
        failures, open_until = (int(values[0] or 0), float(values[1] or 0))
        if open_until > time.time():
            return "open"
        return "half-open" if failures >= _BREAKER_FAILURES else "closed"

    async def succeeded(self, connector_id: int) -> None:
        await self._redis.delete(_BREAKER_KEY.format(connector_id))
        self._held[connector_id] = (True, False)

    async def failed(self, connector_id: int) -> None:
        key = _BREAKER_KEY.format(connector_id)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(key, "failures", 1)
            pipe.expire(key, _BREAKER_KEEP_SECONDS)
            failures, _ = await pipe.execute()
        opens = int(failures) >= _BREAKER_FAILURES
        if opens:
            await self._redis.hset(key, "open_until", str(time.time() + _BREAKER_OPEN_SECONDS))
            _log.warning("connector_breaker_open", connector_id=connector_id, failures=failures)
        self._held[connector_id] = (not opens, True)

    def note(self, pipe: Pipeline, batch: CallBatch) -> None:
        """Queue on ``pipe`` the successes of a page's calls; gather their durations, written within
        ``_GATHER_SECONDS`` for all the pages of that time together."""
        for connector_id in batch.successes:  # a key each: breakers live in different cluster slots
            pipe.delete(_BREAKER_KEY.format(connector_id))
            self._held[connector_id] = (True, False)
        for connector_id, milliseconds in batch.latencies_ms:
            self._latencies[connector_id].append(milliseconds)
        if self._latencies and self._writing is None:
            self._writing = asyncio.get_running_loop().call_later(_GATHER_SECONDS, self._write_soon)

    def _write_soon(self) -> None:
        self._writing = None
        task = asyncio.ensure_future(self._flush_latencies())
        self._flushes.add(task)
        task.add_done_callback(self._flushed)

    def _flushed(self, task: asyncio.Future[None]) -> None:
        self._flushes.discard(task)
        if not task.cancelled() and task.exception() is not None:  # statistics: dropped, not retried
            _log.warning("connector_latencies_lost", error=str(task.exception()))

    async def note_latency(self, connector_id: int, milliseconds: int) -> None:
        """One call's duration, written at once with any gathered."""
        self._latencies[connector_id].append(milliseconds)
        await self._flush_latencies()

    async def latencies_ms(self, connector_id: int) -> list[int]:
        """The durations of its most recent answered calls, newest first (this process's gathered
        ones written first)."""
        await self._flush_latencies()
        return [int(value) for value in await self._redis.lrange(_LATENCY_KEY.format(connector_id), 0, -1)]

    async def _flush_latencies(self) -> None:
        if not self._latencies:
            return
        gathered, self._latencies = self._latencies, defaultdict(list)
        async with self._redis.pipeline(transaction=False) as pipe:
            for connector_id, durations in gathered.items():
                key = _LATENCY_KEY.format(connector_id)
                pipe.lpush(key, *durations[-LATENCY_SAMPLES:])
                pipe.ltrim(key, 0, LATENCY_SAMPLES - 1)
                pipe.expire(key, _LATENCY_KEEP_SECONDS)
            await pipe.execute()
