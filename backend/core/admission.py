"""At most so many requests at work in one process; the rest wait briefly in arrival order, then are
turned away with a quick 503 and Retry-After. Without it a rush lets every request in at once: thousands
share one event loop, each waits for it and for the pools, and even those admitted take longer than a phone
waits (``make rush``: 2,000 new citizens at once, admitted logins' p99 over 13 s against 0.1 s unloaded).

Only the app's own work is counted (``/api/``, ``/auth/``, ``/oauth/``): not the PWA's files, the health
probes or the demo identity provider (which stands for a provider elsewhere, and which a login in progress
calls while holding its own place), nor server-sent event streams (``.../live``), which stay open for
minutes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from litestar.enums import ScopeType

from backend.core.deadline import send_unavailable

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send

COUNTED = ("/api/", "/auth/", "/oauth/")
RETRY_AFTER_SECONDS = 5
_BUSY = "Many people are using the service right now. Please try again in a moment."


def counted(path: str) -> bool:
    return path.startswith(COUNTED) and not path.endswith("/live")


class InFlightLimitMiddleware:
    def __init__(self, app: ASGIApp, *, limit: int, wait_seconds: float) -> None:
        self.app = app
        self.wait_seconds = wait_seconds
        self._slots = asyncio.Semaphore(limit)  # wakes its waiters first come, first served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not counted(scope["path"]):
            await self.app(scope, receive, send)
            return
        if self._slots.locked():
            try:
                await asyncio.wait_for(self._slots.acquire(), self.wait_seconds)
            except TimeoutError:
                await send_unavailable(scope, send, _BUSY, RETRY_AFTER_SECONDS)
                return
        else:
            await self._slots.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()
