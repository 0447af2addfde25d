"""How much our request pipeline costs, as a ratio against bare Litestar measured in the same run.

Run with ``make bench``. Both apps answer the same tiny JSON in-process (no network), so the ratio is
the price of what every request pays here: request id, security headers, Prometheus metrics and the
problem-details error handlers. The log level is WARNING so that the per-request log line is filtered
out: writing it costs whatever the log sink costs, which is not ours to measure here. Figures are
printed, never asserted: these machines are shared and noisy, so only the ratio within one run means
anything.
"""

from __future__ import annotations

import statistics
import time
from typing import Any, cast

import httpx
import msgspec
from litestar import Litestar, get

from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import serve_in_process

REQUESTS = 2000
ROUNDS = 5


class Health(msgspec.Struct):
    status: str


@get("/healthz")
async def bare_healthz() -> Health:
    return Health(status="ok")


async def _requests_per_second(client: httpx.AsyncClient) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        response = await client.get("/healthz")
        assert response.status_code == 200
    return REQUESTS / (time.perf_counter() - started)


async def test_request_pipeline_overhead_against_bare_litestar(settings: Settings) -> None:
    ours = create_app(msgspec.structs.replace(settings, log_level="WARNING"))
    bare = Litestar(route_handlers=[bare_healthz], logging_config=None)
    transport = httpx.ASGITransport(app=cast(Any, bare))
    ours_rates: list[float] = []
    bare_rates: list[float] = []
    async with (
        serve_in_process(ours) as ours_client,
        httpx.AsyncClient(transport=transport, base_url="http://bench") as bare_client,
    ):
        await _requests_per_second(ours_client)  # warm-up
        await _requests_per_second(bare_client)
        for _ in range(ROUNDS):  # interleaved, so that noise hits both alike
            bare_rates.append(await _requests_per_second(bare_client))
            ours_rates.append(await _requests_per_second(ours_client))
    bare_rate, ours_rate = statistics.median(bare_rates), statistics.median(ours_rates)
    print(
        f"\nGET /healthz in-process, median of {ROUNDS} x {REQUESTS} requests: "
        f"bare Litestar {bare_rate:,.0f} req/s, ours {ours_rate:,.0f} req/s, "
        f"ours/bare throughput ratio {ours_rate / bare_rate:.2f}"
    )
