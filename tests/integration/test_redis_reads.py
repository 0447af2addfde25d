"""The request path's MGETs, pipelined on a connection of their own (``backend.core.redis_reads``): each
gets its own keys' values however many are asked at once, a cancelled one leaves the others' answers in
place, and a connection Redis dropped fails the reads on it, after which the next read connects again."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis.exceptions

from backend.core.redis_reads import PipelinedReads
from backend.core.resources import Resources


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
