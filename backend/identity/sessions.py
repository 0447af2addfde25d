"""Server-side login sessions in Redis behind an opaque cookie.

Litestar's server-side session middleware stores a dict per cookie, but cannot list or end a person's
other sessions, has no absolute lifetime and leaves rotation to the caller; those are the heart of
this module, so the store is ours. Redis keys hold a SHA-256 of the cookie value, never the value,
so a copy of Redis does not yield working cookies. A session is also listed under its citizen so
that they can see and end each one.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any, cast

import msgspec
import redis.asyncio

from backend.core.principal import Session

_SESSION_KEY = "session:{}"
_CITIZEN_INDEX_KEY = "session-index:{}"
_TOUCH_EVERY_SECONDS = 60  # idle expiry is extended at most this often, to spare Redis writes


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    def __init__(
        self, redis_client: redis.asyncio.Redis, *, idle_seconds: int, absolute_seconds: int
    ) -> None:
        self._redis = redis_client
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds

    def _ttl(self, session: Session, now: float) -> int:
        return max(1, int(min(self.idle_seconds, session.absolute_expires_at - now)))

    async def create(
        self,
        citizen_id: str,
        *,
        acr: str | None,
        amr: list[str],
        auth_time: int | None,
        user_agent: str,
        ip_address: str,
        sealed_national_id: tuple[str, bytes] | None = None,
        birthdate: str | None = None,
    ) -> tuple[str, Session]:
        """Returns the cookie value and the new session."""
        now = time.time()
        token = secrets.token_urlsafe(32)
        session = Session(
            public_id=secrets.token_urlsafe(12),
            citizen_id=citizen_id,
            created_at=now,
            last_seen_at=now,
            absolute_expires_at=now + self.absolute_seconds,
            csrf_token=secrets.token_urlsafe(32),
            acr=acr,
            amr=amr,
            auth_time=auth_time,
            user_agent=user_agent[:300],
            ip_address=ip_address,
            national_id_key_id=sealed_national_id[0] if sealed_national_id else None,
            national_id_sealed=sealed_national_id[1] if sealed_national_id else None,
            birthdate=birthdate,
        )
        key_hash = _hash(token)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(_SESSION_KEY.format(key_hash), msgspec.json.encode(session), ex=self._ttl(session, now))
            pipe.hset(_CITIZEN_INDEX_KEY.format(citizen_id), session.public_id, key_hash)
            pipe.expire(_CITIZEN_INDEX_KEY.format(citizen_id), self.absolute_seconds)
            await pipe.execute()
        return token, session

    async def load(self, token: str) -> Session | None:
        """The live session for a cookie value, its idle expiry extended; None when gone or expired."""
        session, _ = await self.load_with(token, None)
        return session

    async def load_with(self, token: str, other_key: str | None) -> tuple[Session | None, bytes | None]:
        """``load``, reading ``other_key`` in the same round trip to Redis (None: not read)."""
        key = _SESSION_KEY.format(_hash(token))
        values = cast(  # the client is made without decode_responses: values are bytes
            "list[bytes | None]",
            [await self._redis.get(key), None]
            if other_key is None
            else await self._redis.mget(key, other_key),
        )
        return await self._live(key, values[0]), values[1]

    async def _live(self, key: str, raw: bytes | None) -> Session | None:
        if raw is None:
            return None
        session = msgspec.json.decode(raw, type=Session)
        now = time.time()
        if now >= session.absolute_expires_at:
            await self.end(session.citizen_id, session.public_id)
            return None
        if now - session.last_seen_at >= _TOUCH_EVERY_SECONDS:
            session.last_seen_at = now
            await self._redis.set(key, msgspec.json.encode(session), ex=self._ttl(session, now), xx=True)
        return session

    async def list_for(self, citizen_id: str) -> list[Session]:
        index_key = _CITIZEN_INDEX_KEY.format(citizen_id)
        entries: dict[Any, Any] = await self._redis.hgetall(index_key)
        sessions: list[Session] = []
        for public_id, key_hash in entries.items():
            raw = await self._redis.get(_SESSION_KEY.format(key_hash.decode()))
            if raw is None:  # expired by Redis: drop it from the index as well
                await self._redis.hdel(index_key, public_id)
                continue
            sessions.append(msgspec.json.decode(raw, type=Session))
        return sorted(sessions, key=lambda session: session.created_at, reverse=True)

    async def end(self, citizen_id: str, public_id: str) -> bool:
        index_key = _CITIZEN_INDEX_KEY.format(citizen_id)
        key_hash = await self._redis.hget(index_key, public_id)
        if key_hash is None:
            return False
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(_SESSION_KEY.format(key_hash.decode() if isinstance(key_hash, bytes) else key_hash))
            pipe.hdel(index_key, public_id)
            await pipe.execute()
        return True

    async def end_all(self, citizen_id: str) -> int:
        index_key = _CITIZEN_INDEX_KEY.format(citizen_id)
        entries: dict[Any, Any] = await self._redis.hgetall(index_key)
        if entries:
            await self._redis.delete(*(_SESSION_KEY.format(h.decode()) for h in entries.values()), index_key)
        return len(entries)
