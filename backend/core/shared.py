"""What every citizen shares (the catalogue, the connectors, staff roles), kept in each process's memory
and dropped when it changes, through Redis pub/sub: a request reads none of it from Redis or
PostgreSQL.

Who changes something calls ``changed(redis, topic)`` after its transaction commits; every process
listening drops its copy of that topic and reads it again when next asked. Correctness never depends
on the subscription: while a process is not listening (starting, or its subscription lost: Redis
restarted, the connection killed or silent) every copy it has is dropped, and what it reads meanwhile
is kept at most ``UNHEARD_SECONDS``; once listening again it drops everything once more, since what was
published while no one listened is gone. A silently dead subscription is found by a ping every
``ping_seconds``.

The channel is named after the Redis database, as pub/sub is not: two deployments (or test runs) on one
server with different databases do not hear each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import redis.asyncio
import redis.exceptions
import structlog

_log = structlog.get_logger(__name__)

T = TypeVar("T")

UNHEARD_SECONDS = 1.0
"""How long a copy read while not listening is kept: a change shows within it, as before pub/sub."""
_RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0)


def channel_of(redis_client: redis.asyncio.Redis) -> str:
    return f"shared-changed:{redis_client.connection_pool.connection_kwargs.get('db', 0)}"


async def changed(redis_client: redis.asyncio.Redis, topic: str) -> None:
    """Every process drops its copy of ``topic`` (call after the change has committed)."""
    await redis_client.publish(channel_of(redis_client), topic)


class Shared:
    """This process's subscription, and the copies it keeps valid."""

    def __init__(self, redis_client: redis.asyncio.Redis, *, ping_seconds: float = 5.0) -> None:
        self._redis = redis_client
        self._ping_seconds = ping_seconds
        self._copies: dict[str, list[LocalCopy[object]]] = {}
        self.listening = False
        self.subscriptions = 0
        """How many times the subscription has been (re-)made: tests wait on it."""
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def copy(self, topic: str) -> LocalCopy[T]:
        made: LocalCopy[T] = LocalCopy(self)
        self._copies.setdefault(topic, []).append(made)  # type: ignore[arg-type]
        return made

    async def changed(self, topic: str) -> None:
        """This process drops its copy now (its next read sees the change), the others on hearing it."""
        self._drop(topic)
        await changed(self._redis, topic)

    def _drop(self, topic: str | None) -> None:
        for name, copies in self._copies.items():
            if topic is None or name == topic:
                for local in copies:
                    local.drop()

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        # A flag as well as the cancellation: redis-py's pub/sub can swallow a CancelledError.
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=self._ping_seconds)

    async def _listen(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                await self._subscribed()
            except (redis.exceptions.RedisError, OSError, TimeoutError) as exc:
                if self.listening:
                    _log.warning("shared_subscription_lost", error=type(exc).__name__)
                failures += 1
            finally:
                self.listening = False
                self._drop(None)
            if not self._stopping:
                await asyncio.sleep(_RETRY_SECONDS[min(failures, len(_RETRY_SECONDS)) - 1])

    async def _subscribed(self) -> None:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.subscribe(channel_of(self._redis))
            heard_at = time.monotonic()
            pinged_at = heard_at
            while not self._stopping:
                message = await pubsub.get_message(timeout=self._ping_seconds / 2)
                now = time.monotonic()
                if message is not None:
                    heard_at = now
                    if message["type"] == "subscribe":
                        self._drop(None)  # anything published before this was not heard
                        self.listening = True
                        self.subscriptions += 1
                    elif message["type"] == "message":
                        data = message["data"]
                        self._drop(data.decode() if isinstance(data, bytes) else str(data))
                if now - heard_at > 2 * self._ping_seconds:
                    raise TimeoutError("the subscription stopped answering")
                if now - pinged_at >= self._ping_seconds:
                    await pubsub.ping()
                    pinged_at = now
        finally:
            with contextlib.suppress(redis.exceptions.RedisError, OSError):
                await pubsub.aclose()


class LocalCopy(Generic[T]):
    """One shared value in this process: valid until its topic changes, or while not listening, for
    ``UNHEARD_SECONDS``."""

    __slots__ = ("_epoch", "_kept_at", "_lock", "_shared", "_value")

    def __init__(self, shared: Shared) -> None:
        self._shared = shared
        self._value: T | None = None
        self._kept_at = 0.0
        self._epoch = 0
        self._lock = asyncio.Lock()

    @property
    def epoch(self) -> int:
        """Changes with every drop: take it before reading the source, and ``keep`` with it."""
        return self._epoch

    def keep(self, value: T, epoch: int) -> None:
        """Keeps ``value`` unless the topic changed since ``epoch`` (the read may have missed it)."""
        if epoch == self._epoch:
            self._value, self._kept_at = value, time.monotonic()

    def get(self) -> T | None:
        unheard = self._value is not None and not self._shared.listening
        if unheard and time.monotonic() - self._kept_at >= UNHEARD_SECONDS:
            self._value = None
        return self._value

    def drop(self) -> None:
        self._value = None
        self._epoch += 1

    async def get_or_read(self, read: Callable[[], Awaitable[T]]) -> T:
        """The copy, or ``read()``'s value, kept unless the topic changed while it was read (that read
        may have missed the change)."""
        value = self.get()
        if value is not None:
            return value
        async with self._lock:  # one read for the requests that all found it missing
            value = self.get()
            if value is None:
                epoch = self._epoch
                value = await read()
                self.keep(value, epoch)
            return value
