"""The identity provider's gate: its limit shows as a short queue, in arrival order, then "come back in a
moment"; and a provider that keeps failing is left alone for a while instead of failing every login."""

from __future__ import annotations

import asyncio

import pytest

from backend.core.errors import ServiceUnavailable
from backend.identity.gate import ProviderGate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_past_its_limit_logins_wait_their_turn_in_order_then_are_told_to_come_back() -> None:
    gate = ProviderGate(concurrency=1, wait_seconds=0.2)
    served: list[int] = []
    release = asyncio.Event()

    async def login(number: int) -> None:
        async with gate.call():
            served.append(number)
            await release.wait()

    first = asyncio.create_task(login(1))
    await asyncio.sleep(0)
    second, third = asyncio.create_task(login(2)), asyncio.create_task(login(3))
    await asyncio.sleep(0)
    release.set()  # the first one's call ends: the others go through in the order they came
    await asyncio.gather(first, second, third)
    assert served == [1, 2, 3]

    release.clear()
    holder = asyncio.create_task(login(4))
    await asyncio.sleep(0)
    with pytest.raises(ServiceUnavailable) as refused:
        async with gate.call():
            pass
    assert refused.value.headers["Retry-After"] == "5"
    release.set()
    await holder


async def test_a_failing_provider_is_left_alone_then_tried_once() -> None:
    clock = Clock()
    gate = ProviderGate(concurrency=10, wait_seconds=1, failures=3, open_seconds=30, clock=clock)
    for _ in range(3):
        async with gate.call():
            gate.failed()
    assert gate.state == "open"
    with pytest.raises(ServiceUnavailable) as refused:
        async with gate.call():
            pass
    assert refused.value.headers["Retry-After"] == "30"  # no call made: the provider is not asked

    clock.now += 31
    assert gate.state == "half-open"
    async with gate.call():  # one login is let through to see
        with pytest.raises(ServiceUnavailable):  # and only one at a time while it sees
            async with gate.call():
                pass
        gate.succeeded()
    assert gate.state == "closed"
    async with gate.call():
        pass
