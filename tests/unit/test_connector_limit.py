"""The per-agency limit on calls in flight (backend/connectors/limit.py): at most so many, the rest in
arrival order, and a cancelled waiter never keeps a place."""

from __future__ import annotations

import asyncio

import pytest

from backend.connectors.limit import Limit


async def _hold(limit: Limit, name: str, order: list[str], release: asyncio.Event) -> None:
    async with limit:
        order.append(name)
        await release.wait()


async def test_at_most_the_size_in_flight_and_the_rest_in_arrival_order() -> None:
    limit, order, release = Limit(2), list[str](), asyncio.Event()
    tasks = [asyncio.create_task(_hold(limit, name, order, release)) for name in "abcde"]
    await asyncio.sleep(0)
    assert order == ["a", "b"]
    release.set()
    await asyncio.gather(*tasks)
    assert order == ["a", "b", "c", "d", "e"]


async def test_a_waiter_cancelled_in_the_queue_takes_no_place() -> None:
    limit, order, release = Limit(1), list[str](), asyncio.Event()
    first = asyncio.create_task(_hold(limit, "a", order, release))
    second = asyncio.create_task(_hold(limit, "b", order, release))
    third = asyncio.create_task(_hold(limit, "c", order, release))
    await asyncio.sleep(0)
    second.cancel()
    release.set()
    await asyncio.gather(first, third)
    with pytest.raises(asyncio.CancelledError):
        await second
    assert order == ["a", "c"]
    async with limit:  # every place came back
        pass


async def test_a_waiter_cancelled_after_being_handed_a_place_hands_it_on() -> None:
    limit, order = Limit(1), list[str]()
    await limit.__aenter__()
    waiting = [asyncio.create_task(_hold(limit, name, order, asyncio.Event())) for name in "bc"]
    await asyncio.sleep(0)
    await limit.__aexit__(None, None, None)  # b is handed the place ...
    waiting[0].cancel()  # ... and cancelled before it could take it
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert order == ["c"]
    waiting[1].cancel()
    await asyncio.gather(*waiting, return_exceptions=True)
    async with limit:  # c's place came back when it was cancelled holding it
        pass
