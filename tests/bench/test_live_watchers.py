"""Phones watching their payment's QR (``make bench``): N live streams held open on the app, idle for a
while and then all paid at once, against the design it replaced measured in the same run: one read a
second per watching phone. Database reads per second and this process's CPU while idle, and how long
the news takes to reach every phone. Printed, never asserted."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from backend.core.db import Pool
from backend.identity.service import Identity, session_cookie_name
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from payments import queries
from payments.live import FINAL_STATES
from tests.conftest import app_client, environment_for_tests, serve_in_process
from tests.factories import make_agency, make_bill, make_citizen, make_payment, make_session
from tests.helpers.sse import EventStream, event_stream

WATCHERS = 500
IDLE_SECONDS = 5.0


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every read of one payment's row (the stream's, on connect, after a lost listener and after a
    minute without news; the baseline's, each second) is counted."""
    reads = [0]
    read = queries.payment

    async def counted(db: Any, payment_id: uuid.UUID) -> Any:
        reads[0] += 1
        return await read(db, payment_id)

    monkeypatch.setattr(queries, "payment", counted)
    return reads


async def _idle(reads: list[int]) -> tuple[float, float]:
    """(reads per second, CPU milliseconds of this process per second) over IDLE_SECONDS."""
    before_reads, before_cpu, started = reads[0], time.process_time(), time.perf_counter()
    await asyncio.sleep(IDLE_SECONDS)
    elapsed = time.perf_counter() - started
    return (reads[0] - before_reads) / elapsed, (time.process_time() - before_cpu) * 1000 / elapsed


async def _pay_all(pool: Pool, payment_ids: list[str], reached: Callable[[], Awaitable[None]]) -> float:
    """Seconds from the commit that ends every payment to every watcher knowing."""
    await pool.execute("UPDATE payments SET state = 'expired' WHERE id = ANY($1::uuid[])", payment_ids)
    started = time.perf_counter()
    await reached()
    return time.perf_counter() - started


async def test_watching_phones_against_a_read_a_second_each(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        LOG_LEVEL="WARNING",
        DB_POOL_MAX_SIZE="20",
    )
    app = create_app(load_settings(environ))
    reads = _counting(monkeypatch)
    async with serve_in_process(app), AsyncExitStack() as streams:
        pool: Pool = app.state.resources.pool
        identity: Identity = app.state.identity
        agency_id = await make_agency(pool, status="approved")
        citizen_id = await make_citizen(pool, identity.cipher)
        token, _ = await make_session(identity, citizen_id)
        phone = await streams.enter_async_context(app_client(app))
        phone.cookies.set(session_cookie_name(identity.settings), token)

        async def payments() -> list[str]:
            made = []
            for _ in range(WATCHERS):
                bill = await make_bill(pool, agency_id, bytes(32))
                made.append(str((await make_payment(pool, bill, citizen_id)).id))
            return made

        # Ours: each phone holds a stream open; the process listens once.
        ours_ids = await payments()
        opened: list[EventStream] = []
        for payment_id in ours_ids:
            stream = await streams.enter_async_context(
                event_stream(app, f"/api/v1/payments/{payment_id}/live", phone)
            )
            assert await stream.next_data() == '{"state":"pending"}'
            opened.append(stream)
        ours_reads, ours_cpu = await _idle(reads)

        async def all_heard() -> None:
            for stream in opened:
                assert await stream.next_data(30) == '{"state":"expired"}'

        ours_latency = await _pay_all(pool, ours_ids, all_heard)

        # The baseline: what each stream did before, one read of the row a second until it is final.
        base_ids = await payments()
        done: dict[str, float] = {}

        async def poll(payment_id: str) -> None:
            while True:
                row = await queries.payment(pool, uuid.UUID(payment_id))
                if row is not None and row.state in FINAL_STATES:
                    done[payment_id] = time.perf_counter()
                    return
                await asyncio.sleep(1.0)

        pollers = [asyncio.create_task(poll(payment_id)) for payment_id in base_ids]
        await asyncio.sleep(1.0)  # every poller started
        base_reads, base_cpu = await _idle(reads)

        async def all_polled() -> None:
            await asyncio.gather(*pollers)

        base_latency = await _pay_all(pool, base_ids, all_polled)

    print(
        f"\n{WATCHERS} phones watching a payment, idle {IDLE_SECONDS:.0f} s, then all paid in one commit:"
        f"\nlisten once per process: {ours_reads:,.1f} reads/s, {ours_cpu:,.1f} ms CPU/s idle, "
        f"every phone told in {ours_latency * 1000:,.0f} ms"
        f"\na read a second per phone (before): {base_reads:,.1f} reads/s, {base_cpu:,.1f} ms CPU/s idle, "
        f"every phone told in {base_latency * 1000:,.0f} ms"
        f"\nratio (ours / before): reads {ours_reads / base_reads:.3f}, CPU {ours_cpu / base_cpu:.3f}"
    )
