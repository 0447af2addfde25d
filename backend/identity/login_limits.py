"""How often logins may be tried: per device, per address and for everyone together (issue 24).

A phone is named by a long-lived random cookie (minted at its first attempt, so that attempt counts too)
rather than by its address, since a mobile carrier puts many phones behind one; each address still has a
generous limit of its own (an IPv6 address counts as its /64), and past the budget for everyone an
attempt is told at once to come back (503 with Retry-After). An attempt refused by one limit spends none
of the others: retries through a rush do not use up a device's or a carrier address's own limit."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie

from backend.core.errors import RateLimited, ServiceUnavailable
from backend.core.ratelimit import Bucket, RateLimiter, address_key, client_address
from backend.settings import Settings

_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")  # secrets.token_urlsafe(16)
_TOO_MANY_FROM_DEVICE = "Too many attempts from this device. Please wait and try again."


@dataclass(frozen=True, slots=True)
class LoginLimits:
    settings: Settings
    limiter: RateLimiter
    secure_cookies: bool

    @property
    def login_bucket(self) -> Bucket:
        per_minute = self.settings.login_attempts_per_minute
        return Bucket("login", capacity=per_minute, per_second=per_minute / 60)

    @property
    def callback_bucket(self) -> Bucket:
        per_minute = self.settings.login_attempts_per_minute
        return Bucket("callback", capacity=per_minute, per_second=per_minute / 60)

    def address_bucket(self, step: Bucket) -> Bucket:
        per_minute = self.settings.login_attempts_per_address_per_minute
        return Bucket(f"{step.name}-address", capacity=per_minute, per_second=per_minute / 60)

    def everyone_bucket(self, step: Bucket) -> Bucket:
        per_second = self.settings.login_attempts_per_second
        return Bucket(f"{step.name}-everyone", capacity=per_second, per_second=per_second)

    @property
    def device_cookie_name(self) -> str:
        return "__Host-device" if self.settings.uses_https else "device"

    async def take(self, request: Request[Any, Any, Any], bucket: Bucket) -> list[Cookie]:
        """One attempt at a login step (``login_bucket`` or ``callback_bucket``), or RateLimited (429)
        or ServiceUnavailable (503); returns the device cookie to set when it was minted."""
        device = request.cookies.get(self.device_cookie_name, "")
        minted: list[Cookie] = []
        if not _DEVICE_ID.match(device):
            device = secrets.token_urlsafe(16)
            minted = [self.device_cookie(device)]
        await self.limiter.take(bucket, device, _TOO_MANY_FROM_DEVICE)
        address = address_key(client_address(request, self.settings.trusted_proxy_networks))
        try:
            await self.limiter.take(self.address_bucket(bucket), address)
        except RateLimited:
            await self.limiter.give_back(bucket, device)
            raise
        try:
            await self.limiter.take(self.everyone_bucket(bucket), "all")
        except RateLimited as busy:
            await self.limiter.give_back(bucket, device)
            await self.limiter.give_back(self.address_bucket(bucket), address)
            raise ServiceUnavailable(
                "Many people are logging in right now. Please try again in a few seconds.",
                headers={"Retry-After": str(busy.retry_after_seconds)},
            ) from None
        return minted

    def device_cookie(self, value: str) -> Cookie:
        """Names this browser for the login limits only: random, and tied to no person."""
        return Cookie(
            key=self.device_cookie_name,
            value=value,
            path="/",
            httponly=True,
            secure=self.secure_cookies,
            samesite="lax",
            max_age=365 * 24 * 3600,
        )
