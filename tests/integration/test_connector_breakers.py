"""Circuit breakers as a process holds them between its reads of Redis (backend/connectors/breaker.py):
its own outcomes count at once, another replica's once read again, and what a page's calls taught is
written with the page."""

from __future__ import annotations

import asyncio

from backend.connectors.breaker import CallBatch, CircuitBreaker
from backend.core.resources import Resources


async def test_a_process_sees_its_own_failures_open_the_breaker_without_reading_redis_again(
    resources: Resources,
) -> None:
    breaker = CircuitBreaker(resources.redis)
    assert await breaker.readings([7, 8]) == {7: (True, False), 8: (True, False)}
    for _ in range(4):
        await breaker.failed(7)
    assert await breaker.readings([7]) == {7: (True, True)}  # failing, still called
    await breaker.failed(7)
    assert await breaker.readings([7, 8]) == {7: (False, True), 8: (True, False)}
    assert await breaker.state(7) == "open"


async def test_another_replicas_opening_is_seen_once_read_again_by_every_page_asking_at_once(
    resources: Resources,
) -> None:
    ours, theirs = CircuitBreaker(resources.redis), CircuitBreaker(resources.redis)
    assert await ours.readings([7]) == {7: (True, False)}
    for _ in range(5):
        await theirs.failed(7)
    assert await ours.readings([7]) == {7: (True, False)}  # as read, for a second at most
    ours.forget()  # the second has passed
    pages = await asyncio.gather(*(ours.readings([7]) for _ in range(20)))
    assert pages == [{7: (False, True)}] * 20


async def test_a_pages_successes_close_the_breaker_and_its_durations_are_kept(
    resources: Resources,
) -> None:
    breaker = CircuitBreaker(resources.redis)
    for _ in range(3):
        await breaker.failed(7)
    batch = CallBatch(await breaker.readings([7, 8]))
    batch.successes.add(7)
    batch.latencies_ms += [(7, 120), (8, 80), (7, 95)]
    async with resources.redis.pipeline(transaction=False) as pipe:
        breaker.note(pipe, batch)
        await pipe.execute()
    assert await breaker.state(7) == "closed"
    assert await resources.redis.exists("breaker:7") == 0
    assert await breaker.readings([7]) == {7: (True, False)}
    assert await breaker.latencies_ms(7) == [95, 120]  # newest first
    assert await breaker.latencies_ms(8) == [80]
