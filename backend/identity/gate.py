"""The identity provider's own limits in this process, so that its limit shows as a short queue and
then "come back in a moment", never as failed logins (in 2025 a programme's rush failed on ThaID's
concurrency limit).

- At most ``concurrency`` calls to the provider at once; the rest wait their turn in arrival order
  (``asyncio.Semaphore`` wakes waiters first come, first served) for up to ``wait_seconds``, then get a
  503 with Retry-After.
- A breaker: after ``failures`` failures in a row (no answer, or a 5xx), logins are told to come back for
  ``open_seconds`` without calling the provider at all; then one call is let through, and its outcome
  closes or reopens it."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import structlog

from backend.core.errors import ServiceUnavailable

_log = structlog.get_logger(__name__)
_BUSY = "Many people are logging in right now. Please try again in a moment."
_DOWN = "The digital ID service is not answering. Please try again shortly."


class ProviderGate:
    def __init__(
        self,
        *,
        concurrency: int,
        wait_seconds: float,
        failures: int = 5,
        open_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._wait_seconds = wait_seconds
        self._failures_to_open = failures
        self._open_seconds = open_seconds
        self._clock = clock
        self.failures = 0
        self._open_until = 0.0
        self._trial = False  # the one call let through while half-open

    @property
    def state(self) -> str:
        if self._open_until > self._clock():
            return "open"
        return "half-open" if self.failures >= self._failures_to_open else "closed"

    @asynccontextmanager
    async def call(self) -> AsyncIterator[None]:
        """A slot for one call to the provider, or a quick 503 with Retry-After. The caller reports the
        outcome with ``succeeded`` or ``failed``."""
        state = self.state
        if state == "open" or (state == "half-open" and self._trial):
            wait = max(1, math.ceil(self._open_until - self._clock()))
            raise ServiceUnavailable(_DOWN, headers={"Retry-After": str(wait)})
        try:
            async with asyncio.timeout(self._wait_seconds):  # not wait_for: see core/admission.py
                await self._slots.acquire()
        except TimeoutError:
            raise ServiceUnavailable(_BUSY, headers={"Retry-After": "5"}) from None
        trial = state == "half-open"
        self._trial = self._trial or trial
        try:
            yield
        finally:
            if trial:
                self._trial = False
            self._slots.release()

    def succeeded(self) -> None:
        self.failures = 0
        self._open_until = 0.0

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self._failures_to_open:
            self._open_until = self._clock() + self._open_seconds
            _log.warning("identity_provider_breaker_open", failures=self.failures)
