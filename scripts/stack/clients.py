"""The stack's clients: a citizen's phone (``Browser``) and an agency's machine (``AgencySystem``), every
request of theirs timed by a ``Recorder``; and small helpers the scenarios share."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from scripts.stack.stack import Stack

REQUEST_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Sample:
    kind: str
    api: int
    start: float
    """Seconds since the scenario's clock started."""
    seconds: float
    status: int
    """The HTTP status, or 0 when no answer came (connection refused, reset, timed out)."""
    problem: bool
    """The body was an RFC 9457 problem (application/problem+json with a matching status)."""
    error: str = ""

    @property
    def end(self) -> float:
        return self.start + self.seconds

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Recorder:
    """Every request the clients make, with its timing, for the scenarios' measurements."""

    origin: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    relogins: int = 0

    def now(self) -> float:
        return time.monotonic() - self.origin

    def restart(self) -> None:
        self.origin, self.samples, self.relogins = time.monotonic(), [], 0

    async def request(
        self, client: httpx.AsyncClient, kind: str, api: int, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | None:
        start = self.now()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.samples.append(Sample(kind, api, start, self.now() - start, 0, False, type(exc).__name__))
            return None
        problem = False
        if response.headers.get("content-type", "").startswith("application/problem+json"):
            with contextlib.suppress(ValueError):
                problem = response.json().get("status") == response.status_code
        self.samples.append(Sample(kind, api, start, self.now() - start, response.status_code, problem))
        return response


class Browser:
    """A citizen's phone: one cookie jar, logged in through the demo identity provider as a person would
    be (authorize page, callback, session cookie), logging in again when the session is gone."""

    def __init__(self, recorder: Recorder, stack: Stack, person: str) -> None:
        self.recorder, self.stack, self.person = recorder, stack, person
        self.client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS, follow_redirects=False)
        self.citizen_id = ""
        self._login_lock = asyncio.Lock()

    async def login(self, api: int = 0) -> bool:
        async with self._login_lock:
            base = self.stack.api_urls[api]
            self.client.cookies.clear()
            self.client.headers.pop("X-CSRF-Token", None)
            record = self.recorder.request
            start = await record(self.client, "login", api, "GET", f"{base}/auth/login", params={"next": "/"})
            if start is None or start.status_code != 302:
                return False
            authorize = urlsplit(start.headers["location"])
            form = dict(parse_qsl(authorize.query)) | {"person": self.person}
            chosen = await record(self.client, "login", api, "POST", f"{base}{authorize.path}", data=form)
            if chosen is None or chosen.status_code != 303:
                return False
            back = await record(self.client, "login", api, "GET", chosen.headers["location"])
            if back is None or back.status_code != 303:
                return False
            me = await record(self.client, "login", api, "GET", f"{base}/api/v1/me")
            if me is None or me.status_code != 200:
                return False
            self.citizen_id = me.json()["id"]
            self.client.headers["X-CSRF-Token"] = me.json()["csrf_token"]
            return True

    async def call(self, kind: str, api: int, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        """One request; a 401 (the session is gone: Redis lost it) means logging in again, then once more."""
        url = f"{self.stack.api_urls[api]}{path}"
        response = await self.recorder.request(self.client, kind, api, method, url, **kwargs)
        if response is not None and response.status_code == 401:
            self.recorder.relogins += 1
            if await self.login(api):
                response = await self.recorder.request(self.client, kind, api, method, url, **kwargs)
        return response

    async def close(self) -> None:
        await self.client.aclose()


class AgencySystem:
    """An agency's machine client (client credentials), fetching a new token when it is refused."""

    def __init__(self, recorder: Recorder, stack: Stack, client_id: str, secret: str, agency_id: int) -> None:
        self.recorder, self.stack, self.agency_id = recorder, stack, agency_id
        self._basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        self.client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS)
        self._token = ""

    async def _fetch_token(self, api: int) -> bool:
        response = await self.recorder.request(
            self.client, "agency-token", api, "POST", f"{self.stack.api_urls[api]}/oauth/token",
            data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {self._basic}"},
        )  # fmt: skip
        if response is None or response.status_code != 200:
            return False
        self._token = response.json()["access_token"]
        return True

    async def call(self, kind: str, api: int, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        if not self._token and not await self._fetch_token(api):
            return None
        url = f"{self.stack.api_urls[api]}{path}"
        for _ in range(2):
            headers = {"Authorization": f"Bearer {self._token}"}
            response = await self.recorder.request(
                self.client, kind, api, method, url, headers=headers, **kwargs
            )
            if response is None or response.status_code != 401 or not await self._fetch_token(api):
                return response
        return response

    async def close(self) -> None:
        await self.client.aclose()


def demo_clients(stack: Stack) -> dict[str, tuple[str, str, int]]:
    """Agency code to (client id, secret, agency id), from the demo guide the seeding wrote."""
    guide = json.loads((stack.folder / "var" / "demo.json").read_text())
    return {
        entry["agency_code"]: (entry["client_id"], entry["client_secret"], int(entry["agency_id"]))
        for entry in guide["agency_clients"]
    }


def new_key(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


async def gather_limited(limit: int, jobs: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Run the jobs with at most ``limit`` in flight; results in order."""
    slots = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[Any]]) -> Any:
        async with slots:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))
