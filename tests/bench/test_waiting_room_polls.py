"""Polling one's place in a waiting room, as a ratio against ``/healthz`` and ``/api/v1/me`` (a logged-in
request that reads its session from Redis and the citizen from PostgreSQL) on the same app in the same run.

In a rush, millions of phones ask "where am I in line?" every few seconds. That poll should cost about
what any logged-in request costs for its session, and ask PostgreSQL for nothing while Redis holds the
line and the place (one MGET). The bench prints the rates, their ratios, and how many times the polls
asked the database pool for anything. Figures are printed, never asserted: only the ratios within one run
mean anything on a shared machine.

    .venv/bin/pytest tests/bench/test_waiting_room_polls.py -p no:cacheprovider -s
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid

import httpx
import msgspec

from backend.core.resources import Resources
from backend.identity.service import Identity, session_cookie_name
from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import serve_in_process
from tests.factories import make_agency, make_citizen
from tests.helpers.pools import CountingPool

REQUESTS = 1000
ROUNDS = 5


async def _rate(client: httpx.AsyncClient, path: str) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        response = await client.get(path)
        assert response.status_code == 200, response.text
    return REQUESTS / (time.perf_counter() - started)


async def test_a_poll_of_ones_place_costs_about_a_logged_in_request(settings: Settings) -> None:
    app = create_app(msgspec.structs.replace(settings, log_level="WARNING"))
    async with serve_in_process(app) as client:
        resources: Resources = app.state.resources
        identity: Identity = app.state.identity
        agency_id = await make_agency(resources.pool, status="approved")
        citizen_id = await make_citizen(resources.pool, identity.cipher)
        await resources.pool.execute(
            "INSERT INTO role_grants (citizen_id, role, agency_id, grant_reason)"
            " VALUES ($1, 'agency_editor', $2, 'bench')",
            citizen_id,
            agency_id,
        )
        token, session = await identity.sessions.create(
            uuid.UUID(citizen_id), acr="urn:demo:ial:2", amr=["pwd"], auth_time=int(time.time()),
            user_agent="bench", ip_address="127.0.0.1",
        )  # fmt: skip
        client.cookies.set(session_cookie_name(identity.settings), token)
        client.headers["X-CSRF-Token"] = session.csrf_token
        opens = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        made = await client.post(
            f"/api/v1/agency/{agency_id}/programmes",
            json={"name_th": "โครงการ", "name_en": "Programme", "description_th": "", "description_en": "",
                  "opens_at": opens.isoformat(), "admit_per_second": 100},
        )  # fmt: skip
        assert made.status_code == 201, made.text
        queue = f"/api/v1/programmes/{made.json()['id']}/queue"
        assert (await client.post(queue)).status_code == 202
        rates: dict[str, list[float]] = {"healthz": [], "me": [], "poll": []}
        await _rate(client, queue)  # warm-up: the line and the place cached
        counting = CountingPool(resources.pool)
        poll_uses = 0
        for _ in range(ROUNDS):  # interleaved, so that noise hits each alike
            rates["healthz"].append(await _rate(client, "/healthz"))
            rates["me"].append(await _rate(client, "/api/v1/me"))
            object.__setattr__(resources, "pool", counting)  # the polls alone are counted
            before = counting.uses
            rates["poll"].append(await _rate(client, queue))
            poll_uses += counting.uses - before
            object.__setattr__(resources, "pool", counting.pool)
    base, me, poll = (statistics.median(rates[name]) for name in ("healthz", "me", "poll"))
    print(
        f"\nGET /api/v1/programmes/{{id}}/queue in-process, median of {ROUNDS} x {REQUESTS} requests: "
        f"/healthz {base:,.0f} req/s; /api/v1/me {me:,.0f} req/s (ratio {me / base:.2f}); "
        f"queue poll {poll:,.0f} req/s (ratio {poll / base:.2f} to /healthz, {poll / me:.2f} to /me); "
        f"database pool uses by {ROUNDS * REQUESTS:,} polls: {poll_uses}"
    )
