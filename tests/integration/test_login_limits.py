"""Login limits, through the demo identity provider: per device rather than per carrier address, a budget
for everyone past which a login is told to come back at once (and a browser is sent to the app's page
saying so), callbacks for no login under way refused before any limit, and an attempt turned away by one
limit spending none of the others (``backend/identity/login_limits.py``)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import app_client, serve_in_process
from tests.helpers.identity import ORIGIN
from tests.integration.conftest import demo_settings_for


def _demo_settings(settings: Settings, var_dir: Path, **extra: str) -> Settings:
    return demo_settings_for(settings, var_dir, PUBLIC_URL=ORIGIN, **extra)


async def test_login_attempts_are_limited_per_device_not_per_carrier_address(
    settings: Settings, tmp_path: Path
) -> None:
    limited = _demo_settings(
        settings, tmp_path, LOGIN_ATTEMPTS_PER_MINUTE="3", LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE="8"
    )
    app = create_app(limited)
    async with serve_in_process(app, ORIGIN) as demo:
        answers = [await demo.get("/auth/login") for _ in range(4)]
        assert [answer.status_code for answer in answers] == [
            302,
            302,
            302,
            429,
        ]  # the first named the device
        assert demo.cookies.get("__Host-device")  # https here: the prefixed name
        refused = answers[3]
        assert int(refused.headers["retry-after"]) >= 1
        assert refused.json()["type"] == "/problems/rate-limited"
        # Callbacks for no login under way are refused before any limit, however many...
        made_up = [(await demo.get("/auth/callback", params={"code": "x", "state": "y"})) for _ in range(4)]
        assert {answer.status_code for answer in made_up} == {400}
        assert "expired or was already used" in made_up[0].json()["detail"]
        # ...and the one for this browser's login goes on: callbacks have a budget of their own.
        state = parse_qs(urlsplit(answers[2].headers["location"]).query)["state"][0]
        back = await demo.get("/auth/callback", params={"code": "not-a-code", "state": state})
        assert back.status_code == 400
        assert "did not accept this login" in back.json()["detail"]  # the provider's answer, past the limits

        # Another phone behind the same carrier address is not locked out by the first one.
        async with app_client(app, ORIGIN) as neighbour:
            assert (await neighbour.get("/auth/login")).status_code == 302
        # A machine that drops its cookie to look new each time meets the address's (generous) limit.
        fresh = []
        for _ in range(6):
            async with app_client(app, ORIGIN) as cookieless:
                fresh.append((await cookieless.get("/auth/login")).status_code)
        assert fresh == [302, 302, 302, 302, 429, 429]  # 8 a minute from this address, 4 used above


async def test_past_the_budget_for_everyone_a_login_is_told_to_come_back_at_once(
    settings: Settings, tmp_path: Path
) -> None:
    busy = _demo_settings(settings, tmp_path, LOGIN_ATTEMPTS_PER_SECOND="2")
    app = create_app(busy)
    async with serve_in_process(app, ORIGIN) as demo:
        answers = []
        for _ in range(3):
            async with app_client(app, ORIGIN) as phone:
                answers.append(await phone.get("/auth/login"))
        assert [answer.status_code for answer in answers] == [302, 302, 503]
        assert int(answers[2].headers["retry-after"]) >= 1
        assert answers[2].json()["type"] == "/problems/service-unavailable"
        # A browser loading the login page is sent to the app's page saying so, not shown the problem.
        async with app_client(app, ORIGIN) as browser:
            opened = await browser.get("/auth/login?next=/bills", headers={"Accept": "text/html"})
        assert opened.status_code == 303
        assert (
            opened.headers["location"] == "/login-problem?problem=service-unavailable&retry=1&next=%2Fbills"
        )
        assert (await demo.get("/healthz")).status_code == 200  # the rest of the app is not refused


async def test_a_callback_for_no_login_started_here_spends_no_ones_budget(
    settings: Settings, tmp_path: Path
) -> None:
    """Callbacks made up by a script (no login cookie this service marked) are refused before any limit,
    so they cannot use up the budget of citizens coming back from the identity provider."""
    app = create_app(_demo_settings(settings, tmp_path, LOGIN_ATTEMPTS_PER_SECOND="2"))
    async with serve_in_process(app, ORIGIN) as demo:
        junk = []
        for cookie in ("", "__Host-login=made-up"):
            for _ in range(3):
                async with app_client(app, ORIGIN) as script:
                    junk.append(await script.get("/auth/callback?code=x&state=y", headers={"Cookie": cookie}))
        assert {answer.status_code for answer in junk} == {400}
        assert "started in another browser" in junk[-1].json()["detail"]
        async with app_client(app, ORIGIN) as browser:  # a person's browser: the app's page, in Thai
            opened = await browser.get("/auth/callback?code=x&state=y", headers={"Accept": "text/html"})
            assert (opened.status_code, opened.headers["location"]) == (
                303,
                "/login-problem?problem=login-failed",
            )
            page = await browser.get(opened.headers["location"], headers={"Accept": "text/html"})
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
        assert (await demo.get("/auth/login")).status_code == 302  # a login really started here
        back = [(await demo.get("/auth/callback", params={"code": "x", "state": "y"})) for _ in range(2)]
        assert [answer.status_code for answer in back] == [400, 400]  # the budget of 2 was all still there
        assert "expired or was already used" in back[0].json()["detail"]


async def test_an_attempt_turned_away_spends_no_other_limit_and_an_ipv6_network_counts_once(
    settings: Settings, tmp_path: Path
) -> None:
    app = create_app(
        _demo_settings(
            settings,
            tmp_path,
            TRUSTED_PROXIES="127.0.0.1/32",  # the test's own address, standing in for the edge proxy
            LOGIN_ATTEMPTS_PER_SECOND="1",
            LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE="3",
        )
    )
    network = f"2001:db8:{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"  # a /64 of its own in this run

    async def login_from(host: str) -> int:
        async with app_client(app, ORIGIN) as phone:  # a phone new each time: no device cookie
            answer = await phone.get("/auth/login", headers={"X-Forwarded-For": f"{network}::{host}"})
            return answer.status_code

    async with serve_in_process(app, ORIGIN):
        # Past the budget for everyone each is told to come back; none of it is counted against the
        # carrier's address (else the fourth would be 429, its 3 a minute used up by retries).
        assert [await login_from("1") for _ in range(5)] == [302, 503, 503, 503, 503]
        answers = []
        for host in ("2", "3", "4"):  # other addresses of the same /64: one limit for all of them
            await asyncio.sleep(1.1)  # the budget for everyone refills
            answers.append(await login_from(host))
        assert answers == [302, 302, 429]
        async with app_client(app, ORIGIN) as elsewhere:
            other = await elsewhere.get("/auth/login", headers={"X-Forwarded-For": "2001:db8:ffff:ffff::1"})
        assert other.status_code == 302  # another network's limit is its own
