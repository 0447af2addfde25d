"""Server-side login sessions in Redis behind an opaque cookie.

Litestar's server-side session middleware stores a dict per cookie, but cannot list or end a person's
other sessions, has no absolute lifetime and leaves rotation to the caller; those are the heart of
this module, so the store is ours. Redis keys hold a SHA-256 of the cookie value, never the value,
so a copy of Redis does not yield working cookies. A session is also listed under its citizen so
that they can see and end each one.

The cookie starts with the citizen's id (``<citizen id>.<secret>``), and the session's key carries it
as a hash tag (``session:{<citizen id>}:<digest>``), like every key kept for the citizen
(``citizen_key``): a request reads its session and what its page needs of the citizen's in one MGET,
in one slot of a Redis cluster (``backend.identity.auth``). A cookie from before (no id) is read as
it was, alone. The citizen's list of sessions is kept in that slot too (``session-index:{<citizen id>}``),
so making or ending a session is one MULTI in one slot; the list from before the tag is still read until
its sessions' absolute lifetime has passed.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from typing import Any, cast

import msgspec
import redis.asyncio

from backend.core.admission import DoorPass
from backend.core.principal import Session
from backend.core.redis_reads import PipelinedReads

_LEGACY_SESSION_KEY = "session:{}"
_LEGACY_INDEX_KEY = "session-index:{}"
_TOUCH_EVERY_SECONDS = 60  # idle expiry is extended at most this often, to spare Redis writes


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def citizen_key(citizen_id: uuid.UUID | str, name: str) -> str:
    """A key of the citizen's, in the slot of their sessions: ``<name>:{<citizen id>}``."""
    return f"{name}:{{{citizen_id}}}"


def citizen_of_token(token: str) -> str | None:
    """The citizen a cookie value names (None: a cookie from before they did)."""
    citizen_id, dot, _ = token.partition(".")
    return citizen_id if dot else None


def session_key(token: str) -> str:
    citizen_id = citizen_of_token(token)
    if citizen_id is None:
        return _LEGACY_SESSION_KEY.format(_hash(token))
    return f"{citizen_key(citizen_id, 'session')}:{_hash(token)}"


def _index_key(citizen_id: uuid.UUID | str) -> str:
    return citizen_key(citizen_id, "session-index")


def _indexes(citizen_id: uuid.UUID | str) -> tuple[str, str]:
    """The citizen's list of sessions, then the list from before it had a hash tag."""
    return _index_key(citizen_id), _LEGACY_INDEX_KEY.format(citizen_id)


class SessionStore:
    def __init__(
        self,
        redis_client: redis.asyncio.Redis,
        *,
        idle_seconds: int,
        absolute_seconds: int,
        reads: PipelinedReads | None = None,
        door_pass: DoorPass | None = None,
    ) -> None:
        """``door_pass`` marks each new session's cookie (``backend.core.admission``)."""
        self._redis = redis_client
        self._door_pass = door_pass
        self._reads = reads
        """The request path's reads (``load_with``), pipelined (``backend.core.redis_reads``)."""
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds

    def _ttl(self, session: Session, now: float) -> int:
        return max(1, int(min(self.idle_seconds, session.absolute_expires_at - now)))

    async def create(
        self,
        citizen_id: uuid.UUID,
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
        token = f"{citizen_id}.{secrets.token_urlsafe(32)}"
        if self._door_pass is not None:
            token = self._door_pass.mark(token, now + self.absolute_seconds)
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
        key = session_key(token)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(key, msgspec.json.encode(session), ex=self._ttl(session, now))
            pipe.hset(_index_key(citizen_id), session.public_id, key)
            pipe.expire(_index_key(citizen_id), self.absolute_seconds)
            await pipe.execute()
        return token, session

    async def load(self, token: str) -> Session | None:
        """The live session for a cookie value, its idle expiry extended; None when gone or expired."""
        session, _ = await self.load_with(token, [])
        return session

    async def load_with(self, token: str, others: list[str]) -> tuple[Session | None, list[bytes | None]]:
        """``load``, and the values of ``others`` (the citizen's keys: ``citizen_key``), in one MGET.
        A cookie from before names no citizen: its session alone, and no others."""
        key = session_key(token)
        if citizen_of_token(token) is None:
            raw = cast("bytes | None", await self._redis.get(key))
            return await self._live(key, raw), [None] * len(others)
        # The client is made without decode_responses: values are bytes.
        if self._reads is not None:
            values = await self._reads.mget([key, *others])
        else:
            values = cast("list[bytes | None]", await self._redis.mget(key, *others))
        session = await self._live(key, values[0])
        if session is not None and str(session.citizen_id) != citizen_of_token(token):
            return None, [None] * len(others)
        return session, values[1:]

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

    async def list_for(self, citizen_id: uuid.UUID) -> list[Session]:
        sessions: list[Session] = []
        for index_key in _indexes(citizen_id):
            entries: dict[Any, Any] = await self._redis.hgetall(index_key)
            for public_id, key in entries.items():
                raw = await self._redis.get(_key_of(key))
                if raw is None:  # expired by Redis: drop it from the index as well
                    await self._redis.hdel(index_key, public_id)
                    continue
                sessions.append(msgspec.json.decode(raw, type=Session))
        return sorted(sessions, key=lambda session: session.created_at, reverse=True)

    async def end(self, citizen_id: uuid.UUID, public_id: str) -> bool:
        for index_key in _indexes(citizen_id):
            listed = await self._redis.hget(index_key, public_id)
            if listed is None:
                continue
            key = _key_of(listed)
            if index_key == _index_key(citizen_id) and key.startswith(citizen_key(citizen_id, "session")):
                async with self._redis.pipeline(transaction=True) as pipe:  # one slot: one MULTI
                    pipe.delete(key)
                    pipe.hdel(index_key, public_id)
                    await pipe.execute()
            else:  # listed before the hash tag: two slots, the session first
                await self._redis.delete(key)
                await self._redis.hdel(index_key, public_id)
            return True
        return False

    async def end_all(self, citizen_id: uuid.UUID) -> int:
        ended: set[Any] = set()
        for index_key in _indexes(citizen_id):
            entries: dict[Any, Any] = await self._redis.hgetall(index_key)
            for key in entries.values():  # one by one: keys from before the tag lie in other slots
                await self._redis.delete(_key_of(key))
            await self._redis.delete(index_key)
            ended.update(entries)
        return len(ended)


def _key_of(listed: bytes | str) -> str:
    """The session key the citizen's index lists: the key itself, or (listed before it was) its hash."""
    text = listed.decode() if isinstance(listed, bytes) else listed
    return text if text.startswith("session:") else _LEGACY_SESSION_KEY.format(text)
