"""One PostgreSQL ``LISTEN`` per process for one channel, fanned out to the in-process subscribers of
each key (``payments.live``: the phones watching a payment). A notice is sent by the transaction that
made the change (``pg_notify``, delivered at commit), so a subscriber hears of what was saved and
nothing else, and an idle subscriber costs no query at all.

Not Litestar Channels' asyncpg backend (2.25): it listens on one connection that nothing watches, so
after PostgreSQL restarts or the connection is killed its subscribers hear nothing again, without an
error; nor can a subscriber learn that notices may have been missed. Here the connection is supervised:
re-opened with back-off when lost (and pinged every ``ping_seconds``, so that a silently dead one is
found; one query per process, not per subscriber), and after each (re-)opening every subscriber is
woken with ``Wake.RESYNC`` to read what it watches once more, since notices sent while no one listened
are gone. Subscribe first, then read: whatever commits after the read is heard (``follow`` does both,
for a stream that reads what it shows again when woken).
"""

from __future__ import annotations

import asyncio
import enum
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import suppress
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

import asyncpg
import structlog

from backend.core.db import Db

_log = structlog.get_logger(__name__)

T = TypeVar("T")
V = TypeVar("V")

APPLICATION_NAME = "citizen-listen"
"""The listening connections' names in ``pg_stat_activity`` start with this, then the channel."""


class Wake(enum.Enum):
    RESYNC = "resync"
    """The listening connection was (re-)opened: notices may have been missed, read again."""
    CLOSED = "closed"
    """The process is stopping: stop waiting."""


async def announce(db: Db, notices: Sequence[tuple[str, str]]) -> None:
    """NOTIFY ``(channel, payload)`` for what a transaction has committed (on ``db``, the same connection
    when it is still held: no pool round), in a transaction of its own whose commit does not wait for the
    disk: it changes nothing, and NOTIFY holds a lock shared by the whole server until its transaction's
    commit is flushed (payments' migration 0066). Not sent (the connection lost): logged, not raised, for
    what it tells of is saved; listeners read again (``payments.live``)."""
    if not notices:
        return
    try:
        await db.execute(
            "SELECT set_config('synchronous_commit', 'off', true), pg_notify(channel, payload)"
            " FROM unnest($1::text[], $2::text[]) AS notice(channel, payload)",
            [channel for channel, _ in notices],
            [payload for _, payload in notices],
        )
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        _log.warning(
            "notices_not_sent", notices=[list(notice) for notice in notices], error=type(exc).__name__
        )


def by_id(payload: str) -> tuple[str, str] | None:
    """A notice whose payload is the id of what changed, keyed by that id (None: not an id)."""
    try:
        return str(uuid.UUID(payload)), payload
    except ValueError:
        return None


class Subscription(Generic[T]):
    """What one subscriber hears for its key, in order. Close it when done; one that is dropped
    unclosed (a stream never started) leaves its hub by itself, as the hub holds it weakly."""

    __slots__ = ("__weakref__", "_hub", "_queue", "key")

    def __init__(self, hub: Notices[T], key: str) -> None:
        self.key = key
        self._hub = hub
        self._queue: asyncio.Queue[T | Wake] = asyncio.Queue()

    async def next(self, seconds: float) -> T | Wake | None:
        """The next notice or wake-up, or None when ``seconds`` pass first."""
        try:
            return await asyncio.wait_for(self._queue.get(), max(seconds, 0))
        except TimeoutError:
            return None

    def drain(self) -> list[T | Wake]:
        """Whatever was heard and not yet taken, taken now without waiting (a subscriber that reads at
        most so often answers all of it with one read)."""
        items: list[T | Wake] = []
        while not self._queue.empty():
            items.append(self._queue.get_nowait())
        return items

    def close(self) -> None:
        self._hub.unsubscribe(self)

    def put(self, item: T | Wake) -> None:
        self._queue.put_nowait(item)


class Notices(Generic[T]):
    """``decode`` turns a notice's payload into (key, value), or None for one to ignore."""

    def __init__(
        self,
        dsn: str,
        channel: str,
        decode: Callable[[str], tuple[str, T] | None],
        *,
        ping_seconds: float = 30.0,
        retry_seconds: float = 0.2,
        max_retry_seconds: float = 5.0,
    ) -> None:
        self._dsn = dsn
        self._channel = channel
        self._decode = decode
        self._ping_seconds = ping_seconds
        self._retry_seconds = retry_seconds
        self._max_retry_seconds = max_retry_seconds
        self._subscribers: dict[str, weakref.WeakSet[Subscription[T]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self.connected = asyncio.Event()
        """Set while listening (tests wait on it)."""
        self.openings = 0
        """How many times the listening connection was opened."""
        self.pid: int | None = None
        """The listening connection's server process, while there is one."""

    @property
    def application_name(self) -> str:
        """This listener's connection's name in ``pg_stat_activity``."""
        return f"{APPLICATION_NAME} {self._channel}"

    async def __aenter__(self) -> Self:
        self._task = asyncio.create_task(self._supervise(), name=f"listen {self._channel}")
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        self._wake_all(Wake.CLOSED)

    def subscribe(self, key: str) -> Subscription[T]:
        subscription = Subscription(self, key)
        if self._closed:
            subscription.put(Wake.CLOSED)
        self._subscribers.setdefault(key, weakref.WeakSet()).add(subscription)
        return subscription

    def subscribers(self) -> int:
        """How many subscriptions are open."""
        return sum(len(group) for group in self._subscribers.values())

    def unsubscribe(self, subscription: Subscription[T]) -> None:
        group = self._subscribers.get(subscription.key)
        if group is not None:
            group.discard(subscription)
            if not group:
                del self._subscribers[subscription.key]

    def _wake_all(self, wake: Wake) -> None:
        for key, group in list(self._subscribers.items()):
            if not group:  # its subscribers were dropped unclosed
                del self._subscribers[key]
            for subscription in list(group):
                subscription.put(wake)

    def _on_notice(self, _connection: Any, _pid: int, _channel: str, payload: object) -> None:
        decoded = self._decode(payload) if isinstance(payload, str) else None
        if decoded is None:
            _log.warning("notice_ignored", channel=self._channel)
            return
        key, value = decoded
        group = self._subscribers.get(key)
        for subscription in list(group or ()):
            subscription.put(value)

    async def _supervise(self) -> None:
        delay = self._retry_seconds
        while True:
            try:
                await self._listen()
                delay = self._retry_seconds  # it was up: the next loss is a new one
            except Exception as exc:  # whatever it was, a process that stops listening is deaf for good
                _log.warning("listen_failed", channel=self._channel, error=type(exc).__name__)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_retry_seconds)

    async def _listen(self) -> None:
        connection: asyncpg.Connection[asyncpg.Record] = await asyncpg.connect(
            self._dsn, server_settings={"application_name": self.application_name}
        )
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        try:
            await connection.add_listener(self._channel, self._on_notice)
            self.openings += 1
            self.pid = connection.get_server_pid()
            self.connected.set()
            self._wake_all(Wake.RESYNC)  # listening now: a read from here on misses nothing
            while not lost.is_set():
                try:
                    await asyncio.wait_for(lost.wait(), self._ping_seconds)
                except TimeoutError:
                    await connection.execute("SELECT 1", timeout=self._ping_seconds)
            _log.warning("listen_lost", channel=self._channel)
        finally:
            self.connected.clear()
            self.pid = None
            if not connection.is_closed():
                connection.terminate()


async def follow(
    hub: Notices[Any],
    key: str,
    read: Callable[[], Awaitable[V]],
    *,
    encode: Callable[[V], str],
    waits: Callable[[V], float],
    max_seconds: float,
    at_most_every: float = 1.0,
) -> AsyncIterator[str]:
    """What ``read`` returns, encoded for an event stream: at once, then each time it changed after a
    notice for ``key`` (or the listener's re-opening), read at most once every ``at_most_every`` seconds
    however often woken. ``waits(value)`` is how many seconds more the value may still change (``0``:
    nothing waits, the stream ends; ``math.inf``: until it changes); when that time comes it is read once
    more (a request lapsed, an hour ended), and the stream ends in any case after ``max_seconds``.

    Subscribes before the first read, so that nothing committed in between is missed; the first read's
    error (a 404) is raised here, before the response starts."""
    subscription = hub.subscribe(key)
    try:
        first = await read()
    except BaseException:
        subscription.close()
        raise
    return _events(subscription, read, first, encode, waits, time.monotonic() + max_seconds, at_most_every)


async def _events(
    subscription: Subscription[Any],
    read: Callable[[], Awaitable[V]],
    value: V,
    encode: Callable[[V], str],
    waits: Callable[[V], float],
    deadline: float,
    at_most_every: float,
) -> AsyncIterator[str]:
    try:
        shown = encode(value)
        yield shown
        while (left := min(deadline - time.monotonic(), waits(value))) > 0:
            heard = await subscription.next(left)
            if heard is Wake.CLOSED or (heard is None and time.monotonic() >= deadline):
                return
            # Let the interval pass since the last read, then read once for whatever was heard meanwhile.
            await asyncio.sleep(at_most_every)
            if Wake.CLOSED in subscription.drain():
                return
            value = await read()
            if (event := encode(value)) != shown:
                shown = event
                yield event
    finally:
        subscription.close()
