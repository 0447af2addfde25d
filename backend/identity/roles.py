"""Staff roles per citizen, kept in each process while nothing about roles has changed.

Every request needs the caller's roles, and asking PostgreSQL each time was a third of the cost of a
cached entitlements page. Any grant, revocation or agency status change writes a new random
``roles-generation`` token in Redis (after its transaction commits); each request reads that token in
the same round trip as its session, so a change reaches every replica on its very next request. A
random token rather than a counter: after a Redis restart a counter could come back to a value a
process still holds.
"""

from __future__ import annotations

import secrets

import redis.asyncio

GENERATION_KEY = "roles-generation"
Roles = frozenset[tuple[str, int | None]]


class RoleCache:
    def __init__(self, redis_client: redis.asyncio.Redis, *, max_entries: int = 50_000) -> None:
        self._redis = redis_client
        self._max_entries = max_entries
        self._generation: bytes | None = None
        self._roles: dict[str, Roles] = {}

    def get(self, citizen_id: str, generation: bytes) -> Roles | None:
        if generation != self._generation:
            self._generation = generation
            self._roles.clear()
            return None
        return self._roles.get(citizen_id)

    def put(self, citizen_id: str, generation: bytes, roles: Roles) -> None:
        if generation != self._generation:
            return  # roles changed while they were read: the next request reads them again
        if len(self._roles) >= self._max_entries:
            self._roles.clear()  # crude, but bounded; the busy entries come back on their next request
        self._roles[citizen_id] = roles

    async def generation_when_missing(self) -> bytes:
        """The token to use when Redis has none (first start, or after a restart)."""
        fresh = secrets.token_hex(8).encode()
        await self._redis.set(GENERATION_KEY, fresh, nx=True)
        current = await self._redis.get(GENERATION_KEY)
        return current if isinstance(current, bytes) else fresh

    async def changed(self) -> None:
        await roles_changed(self._redis)


async def roles_changed(redis_client: redis.asyncio.Redis) -> None:
    """Call after the transaction that changed any role or agency status has committed."""
    await redis_client.set(GENERATION_KEY, secrets.token_hex(8))
