"""The request path's one Redis read (a session and what its page needs, one MGET: ``backend.identity.auth``)
on a connection of its own, pipelined.

Through the client, each MGET took a connection from the pool (a lock and a wait with a timeout),
wrote it in a call of its own and read its reply under another timeout: a third of a cached page's CPU,
twice what the read costs Redis. Here the MGETs asked in one turn of the event loop go out in one write,
and one reader takes the replies in the order they were asked (Redis answers a connection's commands in
order). Only public parts are used: the pool's connection class and settings, the connection's
``send_packed_command`` and ``read_response`` (the pool's ``socket_timeout`` bounds the wait for each
reply, so a Redis that stops answering fails the reads on it), and hiredis's ``pack_command``
(redis-py's own packing encodes each key in Python first, a tenth of a cached page for its 17 keys).

A lost connection fails every read waiting on it (a ``ConnectionError``, as the client raises: the
request is a 503) and the next read connects again. Reads never wait for the pool, so a burst's other
Redis work cannot hold them up.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Sequence
from typing import Any, cast

import hiredis
import redis.asyncio
import redis.exceptions


class PipelinedReads:
    def __init__(self, client: redis.asyncio.Redis) -> None:
        self._pool = client.connection_pool
        self._timeout: float | None = self._pool.connection_kwargs.get("socket_timeout")
        self._connection: Any = None
        self._unsent: list[tuple[tuple[str, ...], asyncio.Future[Any]]] = []
        self._sent: collections.deque[asyncio.Future[Any]] = collections.deque()
        self._writing: asyncio.Task[None] | None = None
        self._reading: asyncio.Task[None] | None = None
        self._closed = False

    async def mget(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values of ``keys`` (bytes, None where missing), as ``Redis.mget``."""
        if self._closed:
            raise redis.exceptions.ConnectionError("Redis reads are closed")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._unsent.append((("MGET", *keys), future))
        if self._writing is None:  # the rest asked in this turn of the loop join this write
            self._writing = asyncio.create_task(self._write())
        values: list[bytes | None] = await future
        return values

    async def _write(self) -> None:
        try:
            while self._unsent:
                batch, self._unsent = self._unsent, []
                try:
                    connection = await self._connected()
                    # hiredis's stub types the command as a tuple of one item; it takes any number.
                    packed = [hiredis.pack_command(cast("Any", command)) for command, _ in batch]
                    # Before the write, whose await lets the reader run: replies follow this order.
                    self._sent.extend(future for _, future in batch)
                    await connection.send_packed_command(packed, check_health=False)
                except Exception as error:  # whatever it is, no read may wait forever
                    self._fail([future for _, future in batch], error)
                    continue
                if self._reading is None:
                    self._reading = asyncio.create_task(self._read())
        finally:
            self._writing = None

    async def _connected(self) -> Any:
        if self._connection is None:
            # Without a socket timeout a write is not wrapped in a task of its own (``wait_for``);
            # the reader's timeout still ends a wait on a Redis that stopped answering, and with it
            # the connection.
            settings = {**self._pool.connection_kwargs, "socket_timeout": None}
            connection: Any = self._pool.connection_class(**settings)
            self._connection = connection
        if not self._connection.is_connected:
            async with asyncio.timeout(self._timeout):  # its handshake reads replies too
                await self._connection.connect()
        return self._connection

    async def _read(self) -> None:
        try:
            while self._sent and (connection := self._connection) is not None:
                try:
                    reply = await connection.read_response(timeout=self._timeout)
                    if reply is None:  # no reply in time (an MGET's is always a list)
                        raise redis.exceptions.TimeoutError("Redis did not answer in time")
                except redis.exceptions.ResponseError as error:  # that command's, not the connection's
                    reply = error
                except Exception as error:  # the connection's: whatever it is, give it up
                    if connection is self._connection:
                        self._fail([], error)
                    continue  # else already given up, its reads failed: read from the new one
                if connection is not self._connection:
                    continue  # a late reply on a connection given up: its read has failed already
                future = self._sent.popleft()
                if future.done():  # its request was cancelled
                    continue
                if isinstance(reply, Exception):
                    future.set_exception(reply)
                else:
                    future.set_result(reply)
        finally:
            self._reading = None

    def _fail(self, unsent: list[asyncio.Future[Any]], error: BaseException) -> None:
        """Every read waiting on the connection, and ``unsent``, fail; the next connects again."""
        waiting = [*self._sent, *unsent]
        self._sent.clear()
        connection, self._connection = self._connection, None
        if connection is not None:
            connection_lost = asyncio.ensure_future(connection.disconnect(nowait=True))
            connection_lost.add_done_callback(lambda task: task.exception())
        for future in waiting:
            if not future.done():
                future.set_exception(redis.exceptions.ConnectionError(f"Redis read failed: {error!r}"))

    async def aclose(self) -> None:
        self._closed = True
        for task in (self._writing, self._reading):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        connection, self._connection = self._connection, None
        closed = redis.exceptions.ConnectionError("Redis reads are closed")
        for future in [*self._sent, *(future for _, future in self._unsent)]:
            if not future.done():
                future.set_exception(closed)
        self._sent.clear()
        self._unsent = []
        if connection is not None:
            await connection.disconnect()
