"""A new citizen's phone for ``make rush`` (``scripts/rush.py`` drives thousands of them), and the pure
figures taken from what they saw.

A phone logs in through the demo identity provider with a national ID never seen before, opens home
and entitlements, then registers: the journey's end is pluggable (``Apply``: an application sent;
``WaitingRoom``: a programme's line joined and waited in, then the registration). Like the
PWA's user it honours Retry-After on a 503 or 429 (waits that long, plus a second or so of reaction,
then tries the step again), gives up on any request after 10 s as a phone does (a time-out; the person
taps again a moment later), and stops altogether after ``patience`` seconds. It sends what the proxy in
front of the app would add: ``X-Forwarded-For`` (an address of its own) and ``X-Request-Start``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

import aiohttp

from backend.core.crypto import national_id_check_digit

PHONE_TIMEOUT_SECONDS = 10.0
PATIENCE_GONE = 1e9  # a refusal no waiting will end
FIRST_STEPS = ("login", "home", "entitlements")


def national_id(seed: int) -> str:
    """A valid (check digit) national ID of its own for each seed: a citizen the app has never seen."""
    first_twelve = f"5{seed:011d}"
    return first_twelve + str(national_id_check_digit(first_twelve))


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


@dataclass(frozen=True)
class OrderDeviation:
    count: int
    p99_places: float
    """How many places out of arrival order a phone was served, at the 99th percentile."""
    max_places: int
    inverted_pairs: float
    """The share of pairs of phones served in the opposite order to their arrival (0: strict FIFO)."""


def order_deviation(arrived: list[float], served: list[float]) -> OrderDeviation:
    """Served order against arrival order for the same phones (``arrived[i]`` and ``served[i]`` are
    phone i's times). Ties keep the phones' own order."""
    count = len(arrived)
    if count != len(served):
        raise ValueError("one arrival and one service time per phone")
    by_arrival = sorted(range(count), key=lambda index: (arrived[index], index))
    served_rank = {
        index: rank for rank, index in enumerate(sorted(range(count), key=lambda i: (served[i], i)))
    }
    places = [abs(served_rank[index] - rank) for rank, index in enumerate(by_arrival)]
    pairs = count * (count - 1) // 2
    inversions = _inversions([served_rank[index] for index in by_arrival])
    return OrderDeviation(
        count=count,
        p99_places=percentile([float(place) for place in places], 0.99),
        max_places=max(places, default=0),
        inverted_pairs=inversions / pairs if pairs else 0.0,
    )


def _inversions(ranks: list[int]) -> int:
    """Pairs out of order, by merge sort (n log n: thousands of phones)."""
    if len(ranks) < 2:
        return 0
    middle = len(ranks) // 2
    left, right = ranks[:middle], ranks[middle:]
    count = _inversions(left) + _inversions(right)
    left.sort()
    right.sort()
    taken = 0
    for value in right:
        while taken < len(left) and left[taken] < value:
            taken += 1
        count += len(left) - taken
    return count


@dataclass(frozen=True)
class Attempt:
    step: str
    start: float
    seconds: float
    outcome: str
    """``ok``, ``503``, ``429``, ``timeout``, ``error`` (no answer) or the unexpected status."""


class Refused(Exception):
    def __init__(self, outcome: str, retry_after: float) -> None:
        super().__init__(outcome)
        self.outcome, self.retry_after = outcome, retry_after


@dataclass
class Journey:
    national_id: str
    started: float
    citizen_id: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    answered: list[tuple[str, float, float, float | None]] = field(default_factory=list)
    """Each request answered as expected (admitted): its step, start, seconds, and the seconds the
    server says it spent (``Server-Timing``; None where it does not say, as the identity provider)."""
    statuses: Counter[str] = field(default_factory=Counter)
    queued_at: float | None = None
    """When the phone first reached the registration steps: its arrival in the (waiting room's) line."""
    served_at: float | None = None
    """When the registration was confirmed to the phone."""
    arrival_order: float | None = None
    served_order: float | None = None
    """The same two as the server ordered them, when it says (the waiting room's ticket and admission);
    else the phone's own times."""
    registration: str = ""
    """The application (or registration) id the phone was told."""
    gave_up: bool = False


class Registration(Protocol):
    """The journey's end: named steps, each raising ``Refused`` to be tried again; the last one sets
    ``journey.registration`` to what the phone was told."""

    steps: tuple[str, ...]
    sent_sql: str
    """The registrations in the database, as (what a phone is told, citizen id) for ``key``."""
    key: Any

    def actions(self, phone: Phone) -> list[Callable[[], Awaitable[None]]]: ...


def _server_seconds(timing: str) -> float | None:
    """``app;dur=12.5`` (ms), as the app's admission middleware writes it, in seconds."""
    for metric in timing.split(","):
        name, _, duration = metric.strip().partition(";dur=")
        if name == "app" and duration:
            return float(duration) / 1000
    return None


class Phone:
    def __init__(
        self, connector: aiohttp.BaseConnector, base: str, journey: Journey, address: str, patience: float
    ) -> None:
        self.base, self.journey, self.address = base, journey, address
        self.give_up_at = journey.started + patience
        self.csrf = ""
        self.step_name = ""
        self.state: dict[str, Any] = {}
        """What the last step keeps between its tries (the application it started, ...)."""
        self.random = random.Random(journey.national_id)  # noqa: S311 (reaction times, not secrets)
        self.http = aiohttp.ClientSession(
            connector=connector, connector_owner=False, cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=PHONE_TIMEOUT_SECONDS),
        )  # fmt: skip

    async def close(self) -> None:
        await self.http.close()

    async def call(
        self, method: str, url: str, expect: tuple[int, ...] = (200,), **kwargs: Any
    ) -> tuple[int, dict[str, str], bytes]:
        """One request: its answer if the status is expected, else ``Refused``."""
        headers = {"X-Forwarded-For": self.address, "X-Request-Start": f"t={int(time.time() * 1000)}"}
        if self.csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        target = url if url.startswith("http") else self.base + url
        started = time.monotonic()
        try:
            async with self.http.request(
                method, target, headers=headers, allow_redirects=False, **kwargs
            ) as response:
                body = await response.read()
                status = response.status
                answer_headers = dict(response.headers)
        except TimeoutError:
            self.journey.statuses["timeout"] += 1
            raise Refused("timeout", 1.0) from None
        except aiohttp.ClientError:
            self.journey.statuses["error"] += 1
            raise Refused("error", 1.0) from None
        self.journey.statuses[str(status)] += 1
        if status in expect:
            took = time.monotonic() - started
            server = _server_seconds(answer_headers.get("Server-Timing", ""))
            self.journey.answered.append((self.step_name, started, took, server))
            return status, answer_headers, body
        if status in (503, 429):
            raise Refused(str(status), _retry_after(answer_headers.get("Retry-After")))
        raise Refused(str(status), 1.0)

    async def step(self, name: str, action: Callable[[], Awaitable[None]]) -> bool:
        """Try a step until it succeeds (True) or the person's patience ends (False)."""
        self.step_name = name
        while True:
            started = time.monotonic()
            try:
                await action()
            except Refused as refused:
                self.journey.attempts.append(
                    Attempt(name, started, time.monotonic() - started, refused.outcome)
                )
                pause = refused.retry_after + self.random.uniform(0.2, 1.5)
                if time.monotonic() + pause > self.give_up_at:
                    self.journey.gave_up = True
                    return False
                await asyncio.sleep(pause)
                continue
            self.journey.attempts.append(Attempt(name, started, time.monotonic() - started, "ok"))
            return True

    async def login(self) -> None:
        """The authorization code flow as the browser runs it: the app's login, the demo provider's
        page answered with this phone's national ID, the callback, then who the app says we are."""
        self.http.cookie_jar.clear()
        _, headers, _ = await self.call("GET", "/auth/login?next=/", expect=(302,))
        authorize = urlsplit(headers["Location"])
        form = dict(parse_qsl(authorize.query)) | {"person": self.journey.national_id}
        target = f"{authorize.scheme}://{authorize.netloc}{authorize.path}"
        _, headers, _ = await self.call("POST", target, expect=(303,), data=form)
        await self.call("GET", headers["Location"], expect=(303,))
        _, _, body = await self.call("GET", "/api/v1/me")
        me = json.loads(body)
        self.journey.citizen_id, self.csrf = me["id"], me["csrf_token"]

    async def run(self, registration: Registration) -> None:
        async def home() -> None:
            await self.call("GET", "/api/v1/tiles?lang=th")

        async def entitlements() -> None:
            await self.call("GET", "/api/v1/entitlements")

        first: list[Callable[[], Awaitable[None]]] = [self.login, home, entitlements]
        steps = [
            *zip(FIRST_STEPS, first, strict=True),
            *zip(registration.steps, registration.actions(self), strict=True),
        ]
        for number, (name, action) in enumerate(steps):
            if number == len(FIRST_STEPS):
                self.journey.queued_at = time.monotonic()
            if not await self.step(name, action):
                return
        self.journey.served_at = time.monotonic()


class Apply:
    """Registration through the applications API as the PWA sends it: start (or reopen) the draft, save
    the answers, send it. A send that timed out may have gone through: sending again is then refused
    with 409, and the application itself says whether it was sent."""

    steps: tuple[str, ...] = ("register",)
    sent_sql: str = (
        "SELECT id::text, citizen_id::text FROM applications WHERE service_id = $1 AND state <> 'draft'"
    )

    def __init__(self, service_id: int, answers: dict[str, Any]) -> None:
        self.service_id, self.answers, self.key = service_id, answers, service_id

    def actions(self, phone: Phone) -> list[Callable[[], Awaitable[None]]]:
        return [partial(self.register, phone)]

    async def register(self, phone: Phone) -> None:
        if "application" not in phone.state:
            _, _, body = await phone.call(
                "POST", "/api/v1/applications", expect=(200, 201), json={"service_id": self.service_id}
            )
            phone.state["application"] = json.loads(body)["id"]
        application = phone.state["application"]
        if not phone.state.get("answered"):
            await phone.call(
                "PUT", f"/api/v1/applications/{application}/answers", json={"answers": self.answers}
            )
            phone.state["answered"] = True
        status, _, _ = await phone.call(
            "POST", f"/api/v1/applications/{application}/submit", expect=(200, 409)
        )
        if status == 409:
            _, _, body = await phone.call("GET", f"/api/v1/applications/{application}")
            if json.loads(body)["state"] == "draft":
                raise Refused("409", 1.0)
        phone.journey.registration = application


class WaitingRoom:
    """A programme's waiting room (docs/waiting-room.md): join the line, ask again when the answer says
    (``poll_after_seconds``, as the PWA does) until admitted, then register. The wait is a step of its
    own (``queue``), apart from the registration request. Written against the contract ahead of the code:
    untried until the waiting room is merged."""

    steps: tuple[str, ...] = ("queue", "register")
    sent_sql: str = (
        "SELECT reference, citizen_id::text FROM programme_registrations WHERE programme_id = $1::uuid"
    )

    def __init__(self, programme_id: str) -> None:
        self.path, self.key = f"/api/v1/programmes/{programme_id}", programme_id

    def actions(self, phone: Phone) -> list[Callable[[], Awaitable[None]]]:
        return [partial(self.wait, phone), partial(self.register, phone)]

    async def wait(self, phone: Phone) -> None:
        if "ticket" in phone.state:
            _, _, body = await phone.call("GET", f"{self.path}/queue")
        else:
            _, _, body = await phone.call("POST", f"{self.path}/queue", expect=(200, 202))
        state = json.loads(body)
        phone.state["ticket"] = state["ticket"]
        phone.journey.arrival_order = float(state["ticket"])
        while state["state"] == "waiting":
            await asyncio.sleep(max(0.2, float(state["poll_after_seconds"])))
            _, _, body = await phone.call("GET", f"{self.path}/queue")
            state = json.loads(body)
        if state["state"] not in ("admitted", "registered"):  # lapsed or closed: the chance is gone
            raise Refused(state["state"], PATIENCE_GONE)
        phone.state["queue"] = state

    async def register(self, phone: Phone) -> None:
        state = phone.state["queue"]
        if state["state"] == "registered":
            phone.journey.registration = state["reference"]
            return
        _, _, body = await phone.call("POST", f"{self.path}/registrations", expect=(200, 201))
        phone.journey.registration = json.loads(body)["reference"]
        # Admitted at the end of the window minus its length: the server's own order of admission.
        phone.journey.served_order = dt.datetime.fromisoformat(state["admitted_until"]).timestamp()


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 1.0
    except ValueError:
        return 1.0
