"""The live payment stream: news from PostgreSQL's NOTIFY through one listener per process, no polling,
nothing missed when the listener loses its connection."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg
import httpx
import pytest
from litestar import Litestar

from backend.core.notices import APPLICATION_NAME
from backend.core.resources import Resources
from payments.live import PaymentStates
from tests.factories import valid_national_id
from tests.helpers.payments import bill, callback, pending_payment, post_callback
from tests.helpers.sse import EventStream, event_stream
from tests.integration.conftest import SignIn


async def _state(stream: EventStream) -> str | None:
    data = await stream.next_data()
    return None if data is None else str(json.loads(data)["state"])


async def _paid(client: httpx.AsyncClient, issued: dict[str, Any]) -> None:
    assert (await post_callback(client, callback(issued))).json()["outcome"] == "paid"


async def test_a_payment_settled_while_the_listener_is_cut_off_still_reaches_the_stream(
    app: Litestar, sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    assert resources.settings.database_url
    saved = app.state.payment_states
    # A listener of the test's own that waits 3 s before reconnecting, so that the payment is surely
    # settled while nobody listens.
    async with PaymentStates(resources.settings.database_url, retry_seconds=3.0) as states:
        app.state.payment_states = states
        try:
            await asyncio.wait_for(states.connected.wait(), 10)
            _, agency, issued, citizen, payment = await pending_payment(
                sign_in, resources, valid_national_id(71)
            )
            async with event_stream(app, f"/api/v1/payments/{payment['id']}/live", citizen) as stream:
                assert stream.status == 200
                assert await _state(stream) == "pending"
                await resources.pool.execute("SELECT pg_terminate_backend($1)", states.pid)
                await _cut_off(states)
                await _paid(client, issued)
                assert not states.connected.is_set(), "settled after the listener was back: not this test"
                assert await _state(stream) == "success"  # read again once the listener was back
                assert await _state(stream) is None  # final: the stream ends
                assert states.openings == 2

            # Listening again: the next payment's news arrives as a notice, not by a read.
            issued, citizen, payment = await _another_payment(sign_in, agency, valid_national_id(72))
            async with event_stream(app, f"/api/v1/payments/{payment['id']}/live", citizen) as stream:
                assert await _state(stream) == "pending"
                await _paid(client, issued)
                assert await _state(stream) == "success"
            assert states.openings == 2
            assert states.subscribers() == 0
        finally:
            app.state.payment_states = saved


async def test_the_process_listens_on_one_connection_and_it_comes_back_when_killed(
    app: Litestar, sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    states: PaymentStates = app.state.payment_states
    await asyncio.wait_for(states.connected.wait(), 10)
    _, _, issued, citizen, payment = await pending_payment(sign_in, resources, valid_national_id(73))
    async with event_stream(app, f"/api/v1/payments/{payment['id']}/live", citizen) as stream:
        assert await _state(stream) == "pending"
        killed = await resources.pool.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = $1 AND datname = current_database()",
            states.application_name,
        )
        assert killed == 1  # one listener for the whole process, however many phones watch
        await _paid(client, issued)
        assert await _state(stream) == "success"
    await asyncio.wait_for(states.connected.wait(), 10)


async def test_a_watching_phone_costs_no_query_while_nothing_happens(
    app: Litestar, sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    assert resources.settings.database_url
    _, _, issued, citizen, payment = await pending_payment(sign_in, resources, valid_national_id(74))
    observer = await asyncpg.connect(resources.settings.database_url)
    try:
        # Each backend of this database, and when it last started a query (the listener's own
        # keep-alive, once in 30 s per process whatever watches, is left out).
        last_queries = """
            SELECT pid, query_start FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND application_name NOT LIKE $1 || '%'
        """
        async with event_stream(app, f"/api/v1/payments/{payment['id']}/live", citizen) as stream:
            assert await _state(stream) == "pending"
            before = {
                row["pid"]: row["query_start"] for row in await observer.fetch(last_queries, APPLICATION_NAME)
            }
            await asyncio.sleep(3)
            after = {
                row["pid"]: row["query_start"] for row in await observer.fetch(last_queries, APPLICATION_NAME)
            }
            assert after == before  # polling would have read the payment three times by now
            assert app.state.payment_states.subscribers() == 1
            await _paid(client, issued)
            assert await _state(stream) == "success"
    finally:
        await observer.close()


async def test_another_citizens_payment_is_not_there_and_leaves_no_subscription(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    _, _, _, _, payment = await pending_payment(sign_in, resources, valid_national_id(75))
    stranger = await sign_in(national_id=valid_national_id(76))
    answer = await stranger.get(f"/api/v1/payments/{payment['id']}/live")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert app.state.payment_states.subscribers() == 0


async def test_a_banks_callback_announces_its_payment_once_after_commit_and_other_paths_by_the_trigger(
    sign_in: SignIn, resources: Resources, client: httpx.AsyncClient
) -> None:
    """A bank's callback announces its payment's new state itself once committed (migration 0066: NOTIFY
    inside the transaction would hold a database-wide lock through the commit's flush); the trigger stays
    quiet for it, and still announces every other path (here an expiry)."""
    assert resources.settings.database_url
    heard: list[str] = []
    listener = await asyncpg.connect(resources.settings.database_url)
    try:
        await listener.add_listener("payment_state", lambda *args: heard.append(args[3]))
        _, agency, issued, _, payment = await pending_payment(sign_in, resources, valid_national_id(77))
        await _paid(client, issued)
        _, _, late = await _another_payment(sign_in, agency, valid_national_id(78))
        # Any other path, as the expiry sweep writes it: announced by the trigger in its transaction.
        await resources.pool.execute("UPDATE payments SET state = 'expired' WHERE id = $1", late["id"])
        for _ in range(200):
            if len(heard) >= 2:
                break
            await asyncio.sleep(0.01)
        # The callback's notice is the app's (compact JSON), the expiry's the trigger's (json_build_object
        # spaces its keys): a trigger that still spoke for the callback would have come first, and twice.
        assert heard == [
            json.dumps({"id": payment["id"], "state": "success"}, separators=(",", ":")),
            f'{{"id" : "{late["id"]}", "state" : "expired"}}',
        ]
    finally:
        await listener.close()


async def test_a_stream_that_missed_its_notice_reads_its_payment_again_after_a_while(
    app: Litestar, sign_in: SignIn, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notice sent after commit is lost with its connection: the stream reads its row again when it
    has heard nothing for a while, so the phone does not stay on a paid QR."""
    monkeypatch.setattr("payments.live._REREAD_SECONDS", 0.5)
    _, _, _, citizen, payment = await pending_payment(sign_in, resources, valid_national_id(79))
    async with event_stream(app, f"/api/v1/payments/{payment['id']}/live", citizen) as stream:
        assert await _state(stream) == "pending"
        async with resources.pool.acquire() as connection, connection.transaction():
            # As a bank's callback settles it, with its notice then lost.
            await connection.execute("SELECT set_config('citizen.payment_notice', $1, true)", payment["id"])
            await connection.execute("UPDATE payments SET state = 'success' WHERE id = $1", payment["id"])
        assert await _state(stream) == "success"  # nothing announced it: read again


async def _another_payment(
    sign_in: SignIn, agency: httpx.AsyncClient, national_id: str
) -> tuple[dict[str, Any], httpx.AsyncClient, dict[str, Any]]:
    issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
    citizen = await sign_in(national_id=national_id)
    started = await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
    return issued, citizen, started.json()


async def _cut_off(states: PaymentStates) -> None:
    for _ in range(500):  # the listener hears of its connection's end at once; allow 5 s
        if not states.connected.is_set():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the listener did not notice that its connection was killed")
