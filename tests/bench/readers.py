"""Citizens reading their pages while a retention job runs: what the retention benches measure beside it."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable

from backend.core.db import Pool


async def read_while(
    pool: Pool, page: str, citizens: list[str], purge: Awaitable[object], readers: int
) -> list[float]:
    """Reads of ``page`` for a random citizen (seconds each) by ``readers`` readers until ``purge`` ends."""
    latencies: list[float] = []
    done = asyncio.Event()

    async def reader() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await pool.fetch(page, random.choice(citizens))
            latencies.append(time.perf_counter() - started)

    running = [asyncio.create_task(reader()) for _ in range(readers)]
    try:
        await purge
    finally:
        done.set()
        await asyncio.gather(*running)
    return latencies


def p50_p99(latencies: list[float]) -> str:
    quantiles = statistics.quantiles(latencies, n=100)
    return f"{quantiles[49] * 1000:.2f} ms/{quantiles[98] * 1000:.2f} ms"
