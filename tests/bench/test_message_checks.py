"""A flood of guessed verification codes, as a ratio against ``/healthz`` on the same app in the same run.

"Is this really from the government?" is public and unauthenticated, so scam-checkers and scammers alike
can call it as fast as they like. A code that cannot be one of ours (length, letters, check character) is
refused before any look-up or rate limit; a well-formed guess takes one Redis token, and past the bucket
(30 per address) is refused without a database look-up either. The bench prints what each costs beside a
request that does nothing, and how many times the flood asked PostgreSQL for anything. Figures are
printed, never asserted: only the ratios within one run mean anything on a shared machine.
"""

from __future__ import annotations

import statistics
import time

import httpx
import msgspec

from backend.genuine import codes
from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import serve_in_process
from tests.helpers.pools import CountingPool

REQUESTS = 1000
ROUNDS = 5


async def _rate(client: httpx.AsyncClient, paths: list[str], *statuses: int) -> float:
    started = time.perf_counter()
    for path in paths:
        response = await client.get(path)
        assert response.status_code in statuses, response.text
    return len(paths) / (time.perf_counter() - started)


async def test_guessed_codes_cost_about_a_request_that_does_nothing(settings: Settings) -> None:
    app = create_app(msgspec.structs.replace(settings, log_level="WARNING"))
    malformed = [f"/api/v1/messages/verify/{codes.new_code()[:-2]}" for _ in range(REQUESTS)]
    guesses = [f"/api/v1/messages/verify/{codes.new_code()}" for _ in range(REQUESTS)]
    rates: dict[str, list[float]] = {"healthz": [], "malformed": [], "guess": []}
    async with serve_in_process(app) as client:
        counting = CountingPool(app.state.genuine.pool)
        app.state.genuine.pool = counting
        for _ in range(40):  # empty this address's bucket: every guess from here on is refused (429)
            await client.get(f"/api/v1/messages/verify/{codes.new_code()}")
        await _rate(client, ["/healthz"] * REQUESTS, 200)  # warm-up
        malformed_uses = 0
        for _ in range(ROUNDS):  # interleaved, so that noise hits each alike
            rates["healthz"].append(await _rate(client, ["/healthz"] * REQUESTS, 200))
            before = counting.uses
            rates["malformed"].append(await _rate(client, malformed, 400))
            malformed_uses += counting.uses - before
            # The bucket refills at one token every 2 s: the odd guess is looked up (and not found).
            rates["guess"].append(await _rate(client, guesses, 429, 404))
        app.state.genuine.pool = counting.pool
    base = statistics.median(rates["healthz"])
    malformed_rate, guess_rate = statistics.median(rates["malformed"]), statistics.median(rates["guess"])
    print(
        f"\nGET /api/v1/messages/verify in-process, median of {ROUNDS} x {REQUESTS} requests: "
        f"/healthz {base:,.0f} req/s; malformed code (400) {malformed_rate:,.0f} req/s, "
        f"ratio {malformed_rate / base:.2f}; guess past the bucket (429) {guess_rate:,.0f} req/s, "
        f"ratio {guess_rate / base:.2f}; database uses by {ROUNDS * REQUESTS:,} malformed codes: "
        f"{malformed_uses}"
    )
