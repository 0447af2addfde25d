"""The asyncpg pool: one per process, JSON columns decoded with msgspec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
import msgspec
from asyncpg.pool import PoolConnectionProxy

if TYPE_CHECKING:  # asyncpg's classes are generic only in its stubs
    Pool: TypeAlias = asyncpg.Pool[asyncpg.Record]
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
else:
    Pool = asyncpg.Pool
    Connection = asyncpg.Connection | PoolConnectionProxy
Db: TypeAlias = "Pool | Connection"
"""Anything a query runs on: the pool (one statement) or a connection (inside a transaction)."""


async def _init_connection(connection: Connection) -> None:
    for json_type in ("json", "jsonb"):
        await connection.set_type_codec(
            json_type,
            schema="pg_catalog",
            encoder=lambda value: msgspec.json.encode(value).decode(),
            decoder=msgspec.json.decode,
        )


async def _connect(*args: Any, **kwargs: Any) -> asyncpg.Connection[asyncpg.Record]:
    """asyncpg's connect, except that a missing Unix socket (PostgreSQL removes it when it stops) is a
    refused connection, as a closed TCP port is: an outage answered 503, not a bug answered 500."""
    try:
        connection: asyncpg.Connection[asyncpg.Record] = await asyncpg.connect(*args, **kwargs)
    except FileNotFoundError as exc:
        raise ConnectionRefusedError(exc.errno, "PostgreSQL is not running (its socket is gone)") from exc
    return connection


class _PooledConnection(asyncpg.Connection):
    """What the pool hands out. asyncpg resets a connection on its way back to the pool with a query
    (advisory locks, cursors, LISTEN, session settings): a round trip on every release, a tenth of a
    page that reads PostgreSQL, for state nothing leaves on a pooled connection here (transaction-scoped
    locks and SET LOCAL only; listening and the migrations' session lock use connections of their own).
    An open transaction is still rolled back."""

    def get_reset_query(self) -> str:
        return ""


class _WaitingPool(asyncpg.Pool):
    """A pool whose every acquisition (its own fetch/execute/... use ``self.acquire()``) waits at most
    ``acquire_timeout`` unless told otherwise."""

    __slots__ = ("acquire_timeout",)
    acquire_timeout: float

    def acquire(self, *, timeout: float | None = None) -> Any:
        return super().acquire(timeout=self.acquire_timeout if timeout is None else timeout)


async def create_pool(
    dsn: str,
    *,
    min_size: int = 2,
    max_size: int = 10,
    command_timeout: float = 10.0,
    acquire_timeout: float | None = None,
    **kwargs: Any,
) -> Pool:
    """``acquire_timeout``: the longest any use of the pool waits for a free connection (its own
    statements and ``acquire()`` alike), raising ``TimeoutError`` (answered 503 with Retry-After) rather
    than queueing without end; ``None`` waits (the worker, whose tasks are not anyone's phone)."""
    options: dict[str, Any] = {
        "min_size": min_size,
        "max_size": max_size,
        "command_timeout": command_timeout,
        "init": _init_connection,
        "connect": _connect,
        "connection_class": _PooledConnection,
        "server_settings": {"application_name": "citizen", "timezone": "UTC"},
        **kwargs,
    }
    if acquire_timeout is None:
        pool: Pool = await asyncpg.create_pool(dsn, **options)
        return pool
    # create_pool's own defaults, for the subclass it cannot be asked to build.
    waiting = _WaitingPool(
        dsn,
        max_queries=50_000,
        max_inactive_connection_lifetime=300.0,
        loop=None,
        record_class=asyncpg.Record,
        **options,
    )
    waiting.acquire_timeout = acquire_timeout
    return await waiting


async def ping(pool: Pool, within_seconds: float = 2.0) -> None:
    """Raises when PostgreSQL does not answer within ``within_seconds``."""
    async with pool.acquire(timeout=within_seconds) as connection:
        await connection.fetchval("SELECT 1", timeout=within_seconds)
