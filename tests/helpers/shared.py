"""Waiting on a process's shared-data subscription (``backend.core.shared``) in tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import redis.asyncio

from backend.core.shared import Shared

T = TypeVar("T")


async def subscribed(shared: Shared, after: int = 0, seconds: float = 10.0) -> None:
    """Until ``shared`` has made its subscription more than ``after`` times, and listens."""
    deadline = time.monotonic() + seconds
    while not (shared.listening and shared.subscriptions > after):
        assert time.monotonic() < deadline, "the subscription was not made"
        await asyncio.sleep(0.01)


@asynccontextmanager
async def listening(redis_client: redis.asyncio.Redis) -> AsyncIterator[Shared]:
    """Another process's subscription, as a replica has."""
    shared = Shared(redis_client, ping_seconds=0.5)
    shared.start()
    try:
        await subscribed(shared)
        yield shared
    finally:
        await shared.stop()


async def eventually(read: Callable[[], Awaitable[T]], wanted: T, seconds: float = 5.0) -> T:
    """``read()`` until it gives ``wanted`` (what pub/sub delivers, it delivers within milliseconds)."""
    deadline = time.monotonic() + seconds
    while (value := await read()) != wanted and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    return value


async def kill_subscriptions(redis_client: redis.asyncio.Redis) -> int:
    """Kills the pub/sub connections to this Redis database (others' databases are left alone): a lost
    subscription, as when Redis restarts."""
    db = str(redis_client.connection_pool.connection_kwargs.get("db", 0))
    killed = 0
    for client in await redis_client.client_list(_type="pubsub"):
        if str(client.get("db")) == db:
            killed += int(await redis_client.client_kill_filter(_id=client["id"]))
    return killed
