"""The request path's MGETs, pipelined on a connection of their own (``backend.core.redis_reads``): each
gets its own keys' values however many are asked at once, a cancelled one leaves the others' answers in
place, and a connection Redis dropped fails the reads on it, after which the next read connects again."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis.asyncio
import redis.exceptions

from backend.core.redis_reads import PipelinedReads
from backend.core.resources import Resources
from backend.settings import Settings


async def test_reads_asked_at_once_each_get_their_own_keys(resources: Resources) -> None:
    prefix = f"reads-test:{uuid.uuid4().hex}"
    await resources.redis.mset({f"{prefix}:{number}": str(number) for number in range(50)})
    reads = PipelinedReads(resources.redis)
    try:
        asked = [
            [f"{prefix}:{number}", f"{prefix}:missing", f"{prefix}:{number + 1}"] for number in range(49)
        ]
        answers = await asyncio.gather(*(reads.mget(keys) for keys in asked))
        assert answers == [[str(n).encode(), None, str(n + 1).encode()] for n in range(49)]
        assert await reads.mget([f"{prefix}:7"]) == [b"7"]  # and again, on the same connection
    finally:
        await reads.aclose()


async def test_a_cancelled_read_leaves_the_others_answers_in_order(resources: Resources) -> None:
    prefix = f"reads-test:{uuid.uuid4().hex}"
    await resources.redis.mset({f"{prefix}:a": "a", f"{prefix}:b": "b", f"{prefix}:c": "c"})
    reads = PipelinedReads(resources.redis)
    try:
        first = asyncio.create_task(reads.mget([f"{prefix}:a"]))
        gone = asyncio.create_task(reads.mget([f"{prefix}:b"]))
        last = asyncio.create_task(reads.mget([f"{prefix}:c"]))
        await asyncio.sleep(0)
        gone.cancel()
        assert (await first, await last) == ([b"a"], [b"c"])
        assert gone.cancelled()
        assert await reads.mget([f"{prefix}:b"]) == [b"b"]
    finally:
        await reads.aclose()


async def test_a_dropped_connection_fails_its_reads_and_the_next_connects_again(
    resources: Resources,
) -> None:
    key = f"reads-test:{uuid.uuid4().hex}"
    await resources.redis.set(key, "kept")
    reads = PipelinedReads(resources.redis)
    try:
        assert await reads.mget([key]) == [b"kept"]
        connection = reads._connection  # its id, so that Redis drops this connection alone
        await connection.send_command("CLIENT", "ID")
        client_id = await connection.read_response()
        assert await resources.redis.client_kill_filter(_id=client_id) == 1
        with pytest.raises(redis.exceptions.ConnectionError):
            await reads.mget([key])
        assert await reads.mget([key]) == [b"kept"]
    finally:
        await reads.aclose()


async def test_closed_reads_refuse_more(resources: Resources) -> None:
    reads = PipelinedReads(resources.redis)
    await reads.aclose()
    with pytest.raises(redis.exceptions.ConnectionError):
        await reads.mget(["anything"])


async def _stalled_redis(redis_url: str, *, handshake: bool) -> asyncio.Server:
    """A Redis that stops answering: in front of the real one, passing on the connection's handshake but
    not an MGET, or, without ``handshake``, nothing at all."""
    address = redis.asyncio.Redis.from_url(redis_url).connection_pool.connection_kwargs

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(address["host"], address["port"])

        async def relay() -> None:
            while data := await upstream_reader.read(65536):
                writer.write(data)

        relaying = asyncio.create_task(relay())
        try:
            while data := await reader.read(65536):
                if handshake and b"MGET" not in data:
                    upstream_writer.write(data)
        finally:
            relaying.cancel()
            upstream_writer.close()

    return await asyncio.start_server(serve, "127.0.0.1", 0)


@pytest.mark.parametrize("handshake", [True, False], ids=["mget-unanswered", "handshake-unanswered"])
async def test_a_redis_that_stops_answering_fails_the_reads_after_its_socket_timeout(
    settings: Settings, handshake: bool
) -> None:
    assert settings.redis_url
    server = await _stalled_redis(settings.redis_url, handshake=handshake)
    port = server.sockets[0].getsockname()[1]
    client = redis.asyncio.Redis.from_url(f"redis://127.0.0.1:{port}", socket_timeout=0.2)
    reads = PipelinedReads(client)
    try:
        with pytest.raises(redis.exceptions.ConnectionError):
            await asyncio.wait_for(reads.mget(["anything"]), 5)
    finally:
        await reads.aclose()
        await client.aclose()
        server.close()
