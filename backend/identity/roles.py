"""Staff roles per citizen, kept in each process while nothing about roles has changed.

Every request needs the caller's roles, and asking PostgreSQL each time was a third of the cost of a
cached entitlements page. Any grant, revocation or agency status change tells every process to drop
what it holds (``backend.core.shared``, after its transaction commits), so a change reaches every
replica before its next request is answered; a process that is not listening (its subscription lost)
reads roles from PostgreSQL on every request until it listens again.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import redis.asyncio

from backend.core import shared as shared_data
from backend.core.shared import LocalCopy, Shared

ROLES_TOPIC = "roles"
Roles = frozenset[tuple[str, int | None]]


class RoleCache:
    def __init__(self, shared: Shared, *, max_entries: int = 50_000) -> None:
        self._shared = shared
        self._max_entries = max_entries
        self._copy: LocalCopy[dict[uuid.UUID, Roles]] = shared.copy(ROLES_TOPIC)

    async def of(self, citizen_id: uuid.UUID, read: Callable[[], Awaitable[Roles]]) -> Roles:
        """The citizen's roles: kept, or ``read()`` and kept unless roles changed meanwhile."""
        if not self._shared.listening:
            return await read()
        table = self._copy.get()
        if table is not None and (roles := table.get(citizen_id)) is not None:
            return roles
        epoch = self._copy.epoch
        roles = await read()
        if self._copy.epoch == epoch:  # else roles changed while they were read: read them again next time
            table = self._copy.get() or {}
            if len(table) >= self._max_entries:
                table = {}  # crude, but bounded; the busy entries come back on their next request
            table[citizen_id] = roles
            self._copy.keep(table, epoch)
        return roles

    async def changed(self) -> None:
        await self._shared.changed(ROLES_TOPIC)


async def roles_changed(redis_client: redis.asyncio.Redis) -> None:
    """Call after the transaction that changed any role or agency status has committed (from a
    process that keeps no roles itself: the command line)."""
    await shared_data.changed(redis_client, ROLES_TOPIC)
