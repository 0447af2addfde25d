"""Token buckets in Redis, shared by every replica (login attempts now; agency sends later).

Litestar's ``RateLimitMiddleware`` counts fixed windows per route group and answers outside our
problem-details shape; a bucket per caller that each feature names and sizes fits both uses, and
one Lua script keeps the read-refill-take atomic across replicas.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from typing import Any

import redis.asyncio
from litestar import Request

from backend.core.errors import RateLimited

_TAKE = """
local capacity = tonumber(ARGV[1])
local per_second = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_second)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / per_second) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / per_second) + 1)
return wait
"""
_GIVE_BACK = """
local capacity = tonumber(ARGV[1])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens'))
if tokens then redis.call('HSET', KEYS[1], 'tokens', tostring(math.min(capacity, tokens + 1))) end
return 0
"""


@dataclass(frozen=True, slots=True)
class Bucket:
    name: str
    capacity: int
    per_second: float


class RateLimiter:
    def __init__(self, redis_client: redis.asyncio.Redis) -> None:
        self._take = redis_client.register_script(_TAKE)
        self._give_back = redis_client.register_script(_GIVE_BACK)

    async def take(
        self,
        bucket: Bucket,
        caller: str | uuid.UUID,
        message: str = "Too many attempts from this address. Please wait and try again.",
    ) -> None:
        """Take one token for ``caller`` or raise RateLimited with the seconds to wait."""
        wait = int(
            await self._take(
                keys=[f"ratelimit:{bucket.name}:{caller}"], args=[bucket.capacity, bucket.per_second]
            )
        )
        if wait > 0:
            raise RateLimited(wait, message)

    async def give_back(self, bucket: Bucket, caller: str | uuid.UUID) -> None:
        """The token ``take`` took, for an attempt a later limit refused: one step's limits are spent
        only by attempts that passed them all."""
        await self._give_back(keys=[f"ratelimit:{bucket.name}:{caller}"], args=[bucket.capacity])


def address_key(address: str) -> str:
    """Whom a per-address limit counts: an IPv4 address, or an IPv6 address's /64 (a single phone or
    home network holds a whole /64, so counting its addresses one by one would be no limit at all)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return address


def client_address(
    request: Request[Any, Any, Any],
    trusted_proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> str:
    """The caller's address. X-Forwarded-For is read right to left, past trusted proxies only: the
    first address not ours is the client (anything further left was written by the client itself)."""
    peer = request.client.host if request.client else "unknown"
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in [peer, *reversed(hops)]:
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return hop
        if not any(address in network for network in trusted_proxies):
            return hop
    return peer
