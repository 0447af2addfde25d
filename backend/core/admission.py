"""At most so many requests at work in one process; the rest wait briefly, then are turned away with a
quick 503 and Retry-After. Without it a rush lets every request in at once: thousands share one event
loop, each waits for it and for the pools, and even those admitted take longer than a phone waits
(``make rush``: 2,000 new citizens at once, admitted logins' p99 over 13 s against 0.1 s unloaded).

Admission is per journey, not per request: a request that carries one of ``journey_cookies`` (a session,
a login in progress) or an ``Authorization`` bearer token, marked by this service (``DoorPass``: checked
without a look-up, so a made-up cookie earns no place ahead), belongs to someone already let in, and takes
a freed place before any newcomer; a newcomer waits only while no one let in is waiting, so in a rush the door
closes on new arrivals first and those inside keep their speed. Within each class, first come, first
served. And for ``CALM_SECONDS`` after anyone let in had to wait for a place, newcomers are turned away
at once even when a place is free: every newcomer let in stays let in for their whole journey, so letting
them in whenever a place frees for an instant only lengthens the line of those inside (``make rush``:
admitted p99 hundreds of times the unloaded one with requests alone counted, at any limit).

Only the app's own work is counted (``/api/``, ``/auth/``, ``/oauth/``): not the PWA's files, the health
probes or the demo identity provider (which stands for a provider elsewhere, and which a login in progress
calls while holding its own place), nor server-sent event streams (``.../live``), which stay open for minutes,
nor agencies' token requests (``TOKEN_PATH``). Each counted answer says in ``Server-Timing`` (``app;dur=``,
ms) how long it spent here, its wait for a place included: what the server added, apart from the network and
the phone."""

from __future__ import annotations

import asyncio
import base64
import collections
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from backend.core.deadline import send_unavailable

if TYPE_CHECKING:
    from litestar.types import Scope, Send

COUNTED = ("/api/", "/auth/", "/oauth/")
# Agencies' systems renewing their tokens (every 15 minutes) must not be turned away through a long rush,
# and their credentials (a Basic header or the form) cannot be checked at the door: the token endpoint has
# a per-address budget of its own, and is not counted.
TOKEN_PATH = "/oauth/token"  # noqa: S105 (a path, not a password)
RETRY_AFTER_SECONDS = 5
CALM_SECONDS = 1.0
_BUSY = "Many people are using the service right now. Please try again in a moment."


def counted(path: str) -> bool:
    return path.startswith(COUNTED) and not path.endswith("/live") and path != TOKEN_PATH


class DoorPass:
    """A mark on the tokens the service hands out (sessions, logins under way, agencies' tokens) that the
    door checks with a MAC of the secret key, before any look-up: a token is ``value.expiry.mark``, the
    expiry (Unix seconds, hex) the token's own, so a mark kept past its token's life buys nothing. A token
    without one (made before, or made up) still works wherever it is valid; it only waits as a newcomer."""

    def __init__(self, secret_key: str, clock: Callable[[], float] = time.time) -> None:
        self._key = hmac.new(secret_key.encode(), b"door-pass-v1", hashlib.sha256).digest()
        self._clock = clock

    def _mark_of(self, value: bytes) -> bytes:
        digest = hmac.new(self._key, value, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=")

    def mark(self, value: str, expires_at: float) -> str:
        marked = f"{value}.{int(expires_at):x}"
        return f"{marked}.{self._mark_of(marked.encode()).decode()}"

    def carries(self, token: bytes) -> bool:
        marked, dot, mark = token.strip().rpartition(b".")
        if not dot or not hmac.compare_digest(mark, self._mark_of(marked)):
            return False
        try:  # the mark is ours, so the expiry is too
            return int(marked.rpartition(b".")[2], 16) > self._clock()
        except ValueError:
            return False


def _cookies(header: bytes) -> list[tuple[bytes, bytes]]:
    return [(name.strip(), value) for name, _, value in (part.partition(b"=") for part in header.split(b";"))]


class InFlightLimit:
    """The door; the request pipeline (``backend.core.pipeline``) takes a place for each counted request
    (``enter``) and gives it back once answered (``leave``)."""

    def __init__(
        self,
        *,
        limit: int,
        wait_seconds: float,
        journey_cookies: tuple[str, ...] = (),
        door_pass: DoorPass | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Without ``door_pass`` every request waits as a newcomer."""
        self.wait_seconds = wait_seconds
        self._clock = clock
        self._free = limit
        self._journey_cookies = {name.encode() for name in journey_cookies}
        self._door_pass = door_pass
        # Waiters by class: those already let in (a session, a login under way), then newcomers.
        self._inside: collections.deque[asyncio.Future[None]] = collections.deque()
        self._new: collections.deque[asyncio.Future[None]] = collections.deque()
        self._inside_waited_at = -CALM_SECONDS  # when someone let in last had to wait (monotonic)

    def _let_in_before(self, scope: Scope) -> bool:
        if (door_pass := self._door_pass) is None:
            return False
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, token = value.partition(b" ")
                if scheme.lower() == b"bearer" and door_pass.carries(token):
                    return True
            elif name == b"cookie":
                # The first of each journey's cookies only: a header repeating one cannot make the door
                # compute a MAC for each, when it is busiest.
                seen: set[bytes] = set()
                for cookie, token in _cookies(value):
                    if cookie in self._journey_cookies and cookie not in seen:
                        seen.add(cookie)
                        if door_pass.carries(token):
                            return True
        return False

    async def _take(self, inside: bool) -> bool:
        """A place, at once if one is free and no one is ahead; else after waiting up to
        ``wait_seconds`` (False: none came, or a newcomer while someone let in is waiting or waited
        within ``CALM_SECONDS``)."""
        ahead = self._inside if inside else self._new
        if not inside and (self._inside or self._clock() - self._inside_waited_at < CALM_SECONDS):
            return False
        if self._free > 0 and not self._inside and (inside or not self._new):
            self._free -= 1
            return True
        if inside:
            self._inside_waited_at = self._clock()
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        ahead.append(place)
        try:
            # Not wait_for: on Python 3.11 it can swallow a cancellation that races the place being handed
            # over, and the request would then go on for a phone that has gone.
            async with asyncio.timeout(self.wait_seconds):
                await asyncio.shield(place)
        except TimeoutError:
            if place.done():  # handed a place as the wait ended: keep it
                return True
            ahead.remove(place)
            return False
        except BaseException:  # the request cancelled while waiting: its place, if handed, passes on
            if place.done():
                self._give_back()
            else:
                ahead.remove(place)
            raise
        return True

    def _give_back(self) -> None:
        for waiting in (self._inside, self._new):
            while waiting:
                place = waiting.popleft()
                if not place.done():
                    place.set_result(None)  # the place passes straight to the first in line
                    return
        self._free += 1

    async def enter(self, scope: Scope) -> bool:
        """A place for the request (False: none came in time)."""
        if (
            self._free > 0
            and not self._inside
            and not self._new
            and self._clock() - self._inside_waited_at >= CALM_SECONDS
        ):  # the usual case: no one waits, nor has anyone let in waited lately
            self._free -= 1
            return True
        return await self._take(self._let_in_before(scope))

    def leave(self) -> None:
        self._give_back()

    @staticmethod
    async def refuse(scope: Scope, send: Send) -> None:
        await send_unavailable(scope, send, _BUSY, RETRY_AFTER_SECONDS)
