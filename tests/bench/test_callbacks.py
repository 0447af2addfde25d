"""Bank callbacks per second and p99 latency, 200 at once with 10% duplicates (``make bench``),
against a bare asyncpg insert-and-commit loop at the same concurrency on the same database, in one run:
``ROUNDS`` rounds of each, alternating, and the median of the rounds' ratios (one round of each swung by
a third between runs on shared cores); then the p99 of fresh callbacks arriving steadily at half the
rate measured. Printed, never asserted."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any, cast

from litestar import Litestar

from backend.core.signatures import sign
from backend.identity.service import Identity
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from payments.service import qr_for_bill
from tests.conftest import environment_for_tests, serve_in_process
from tests.factories import make_agency, make_citizen

PAYMENTS = 2000
ROUNDS = 3
PACED = 1000
CONCURRENCY = 200
DUPLICATE_SHARE = 0.10
SECRET = b"test-bank-secret-0123456789"


class _AsgiCaller:
    """POSTs straight into the app as its ASGI server would, on this event loop: httpx's client and its
    ASGI transport cost more CPU a call than the callback itself, and the bare loop pays no client."""

    def __init__(self, app: Litestar) -> None:
        self.app = app

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
            "headers": [
                (b"host", b"testserver"), (b"content-length", str(len(body)).encode()),
                *((name.lower().encode(), value.encode()) for name, value in headers.items()),
            ],
        }  # fmt: skip
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        status = 0

        async def receive() -> dict[str, Any]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(cast(Any, scope), cast(Any, receive), cast(Any, send))
        return status


def _p99(values: list[float]) -> float:
    return sorted(values)[int(0.99 * (len(values) - 1))]


async def _run_concurrently(
    work: list[bytes], call: Callable[[bytes], Awaitable[None]], concurrency: int
) -> tuple[float, list[float]]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    latencies: list[float] = []

    async def worker() -> None:
        while not queue.empty():
            item = queue.get_nowait()
            started = time.perf_counter()
            await call(item)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(work) / (time.perf_counter() - started), latencies


async def _paced(work: list[bytes], call: Callable[[bytes], Awaitable[None]], rate: float) -> list[float]:
    """Each call started at its own time, ``rate`` a second whatever the others are doing."""
    latencies: list[float] = []
    started = time.perf_counter()

    async def one(index: int, item: bytes) -> None:
        await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
        begun = time.perf_counter()
        await call(item)
        latencies.append((time.perf_counter() - begun) * 1000)

    await asyncio.gather(*(one(index, item) for index, item in enumerate(work)))
    return latencies


async def test_callbacks_per_second_against_a_bare_insert_loop(settings: Settings, tmp_path: Path) -> None:
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        LOG_LEVEL="WARNING",
        DB_POOL_MAX_SIZE="20",
        DB_POOL_WAIT_SECONDS="30",  # what 200 callbacks at once cost once admitted, not the door
        REQUESTS_IN_FLIGHT_PER_PROCESS="10000",
    )
    app = create_app(load_settings(environ))
    async with serve_in_process(app):
        caller = _AsgiCaller(app)
        pool = app.state.resources.pool
        identity: Identity = app.state.identity
        agency_id = await make_agency(pool, status="approved")
        citizen_id = await make_citizen(pool, identity.cipher)
        bodies: list[bytes] = []
        for number in range(ROUNDS * PAYMENTS + PACED):
            ref1 = f"B{number:08d}{uuid.uuid4().hex[:6].upper()}"
            bill_row = {"biller_id": "0994000165510", "ref1": ref1, "ref2": None, "amount_satang": 10000}
            bill_id = await pool.fetchval(
                """
                INSERT INTO bills (agency_id, national_id_hash, amount_satang, due_date, biller_id, ref1,
                                   description_th, description_en, idempotency_key, request_hash)
                VALUES ($1, $2, 10000, current_date, '0994000165510', $3, 'x', 'x', $3, 'x') RETURNING id
                """,
                agency_id,
                bytes(32),
                ref1,
            )
            await pool.execute(
                """
                INSERT INTO payments (bill_id, citizen_id, amount_satang, state, qr_payload, idempotency_key,
                                      expires_at)
                VALUES ($1, $2::uuid, 10000, 'pending', $3, $4, now() + interval '1 hour')
                """,
                bill_id,
                citizen_id,
                qr_for_bill(bill_row),
                ref1,
            )
            callback = {
                "callback_id": f"CB{number}", "biller_id": "0994000165510", "ref1": ref1, "ref2": None,
                "amount_satang": 10000, "paid_at": dt.datetime.now(dt.UTC).isoformat(),
            }  # fmt: skip
            bodies.append(json.dumps(callback).encode())
        rounds = [bodies[start : start + PAYMENTS] for start in range(0, ROUNDS * PAYMENTS, PAYMENTS)]
        paced = bodies[ROUNDS * PAYMENTS :]

        async def send(body: bytes) -> None:
            headers = {
                "X-Signature": sign(SECRET, int(time.time()), body),
                "Content-Type": "application/json",
            }
            assert await caller.post("/api/v1/payments/callbacks/test-bank", body, headers) == 200

        await pool.execute(
            "CREATE TABLE IF NOT EXISTS bench_bare_rows (id bigserial PRIMARY KEY, body jsonb)"
        )

        async def bare(body: bytes) -> None:
            async with pool.acquire() as connection, connection.transaction():
                await connection.execute("INSERT INTO bench_bare_rows (body) VALUES ($1)", json.loads(body))

        measured: list[tuple[float, list[float], float, list[float]]] = []
        for number, fresh in enumerate(rounds, start=1):
            work = fresh + fresh[: int(PAYMENTS * DUPLICATE_SHARE)]  # 10% sent twice
            ours_rate, ours_latencies = await _run_concurrently(work, send, CONCURRENCY)
            assert await pool.fetchval("SELECT count(*) FROM receipts") == number * PAYMENTS
            bare_rate, bare_latencies = await _run_concurrently(work, bare, CONCURRENCY)
            measured.append((ours_rate, ours_latencies, bare_rate, bare_latencies))
        await pool.execute("DROP TABLE bench_bare_rows")
        ours_rate, ours_latencies, bare_rate, bare_latencies = sorted(measured, key=lambda m: m[0] / m[2])[
            ROUNDS // 2
        ]  # the median round
        paced_latencies = await _paced(paced, send, ours_rate / 2)
        assert await pool.fetchval("SELECT count(*) FROM receipts") == ROUNDS * PAYMENTS + PACED
    duplicates = int(DUPLICATE_SHARE * 100)
    ratio, paced_p99 = ours_rate / bare_rate, _p99(paced_latencies)
    each = ", ".join(f"{m[0]:,.0f}/{m[2]:,.0f} = {m[0] / m[2]:.2f}" for m in measured)
    print(
        f"\n{ROUNDS} rounds, bank callbacks/s against the bare loop's: {each}; the median round:"
        f"\nbank callbacks, {len(work)} at {CONCURRENCY} concurrent ({duplicates}% duplicates): "
        f"{ours_rate:,.0f}/s, p50 {statistics.median(ours_latencies):.1f} ms, "
        f"p99 {_p99(ours_latencies):.1f} ms"
        f"\nbare asyncpg insert+commit, same concurrency: {bare_rate:,.0f}/s, "
        f"p99 {_p99(bare_latencies):.1f} ms"
        f"\n  TARGET bank callbacks >= 0.2 of the bare insert-commit loop: {ratio:.2f} "
        f"[{'met' if ratio >= 0.2 else 'NOT met'}] (before issue 24: 0.07)"
        f"\n  TARGET p99 < 50 ms at half their capacity ({PACED} fresh callbacks at {ours_rate / 2:,.0f}/s): "
        f"{paced_p99:.1f} ms [{'met' if paced_p99 < 50 else 'NOT met'}]"
    )
