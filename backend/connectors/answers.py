"""A citizen's answers from each connector as kept in Redis between pages (the page they make: ``page``).

Two keys per citizen and connector, in the citizen's slot (``citizen_key``: their session's, so that a
page reads its session and every copy in one MGET, ``backend.identity.auth``): the cached copy of the
last answer, kept while it is fresh (the connector's ``cache_seconds``; the day after that, when it may
still be shown stale, it is read from PostgreSQL: ``answers_queries``); and the hold, which keeps the
citizen's calls to one connector to one per cool-down (``SET NX EX``, so that every replica agrees),
and says, once the call that claimed it has failed, why.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

import msgspec
import redis.asyncio
import structlog
from redis.asyncio.client import Pipeline

from backend.connectors.answers_queries import KeptAnswer, kept_answers
from backend.connectors.contract import CheckedResponse, EntitlementsResponse
from backend.connectors.schemas import (
    ActiveConnector,
    ConsentView,
    ResultState,
)
from backend.core.db import Db
from backend.identity.sessions import citizen_key

_log = structlog.get_logger(__name__)


def copy_key(connector_id: int, citizen_id: uuid.UUID | str) -> str:
    return f"{citizen_key(citizen_id, 'entitlements')}:{connector_id}"


def hold_key(connector_id: int, citizen_id: uuid.UUID | str) -> str:
    """Held while the citizen may not have that connector asked again; the value is when they may
    (epoch seconds), then, once the call has failed, why."""
    return f"{citizen_key(citizen_id, 'entitlements-refresh')}:{connector_id}"


_AWAIT_POLL_SECONDS = 0.05
STALE_KEEP_SECONDS = 86400
"""How long past its ``cache_seconds`` an answer may still be shown, marked stale."""
_REDIS_GRACE_SECONDS = 60
"""Beyond ``cache_seconds`` in Redis: another of the citizen's requests waiting on a call
(``await_copy``) finds its answer there even when the connector caches nothing."""
Answer = CheckedResponse | EntitlementsResponse
Outcome = tuple[ResultState, float | None, Answer | None, str | None]
"""(state, when the answer was fetched, the answer, why it is not fresh)."""


class Cached(msgspec.Struct):
    fetched_at: float
    answer: CheckedResponse


class _Checking(msgspec.Struct):
    """``Cached`` with every text checked (``EntitlementsResponse``): the same JSON."""

    fetched_at: float
    answer: EntitlementsResponse


_CHECKED_MAX = 100_000
_checked: set[bytes] = set()
"""Digests of the copies this process has checked (or written from an answer just checked). Checking
every text was a third of a cached page's cost; a copy comes back byte for byte, and one this process
has not seen (kept before a rule it fails, or changed) is checked before it is shown."""
_DECODED_MAX = 4_096
_decoded: dict[bytes, Cached] = {}
"""The copies this process read lately, decoded, by their bytes (a page read again within its copies'
cache time decodes none; the same bytes decode to the same answer, which nothing changes once decoded).
Bounded by count (``_DECODED_MAX``), as ``_checked``."""


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def _copy_from(raw: bytes | str | None) -> Cached | None:
    if raw is None:
        return None
    data = raw.encode() if isinstance(raw, str) else raw
    if (decoded := _decoded.get(data)) is not None:
        return decoded
    digest = _digest(data)
    with contextlib.suppress(msgspec.DecodeError):  # one kept before a rule it fails: as if missing
        if digest not in _checked:
            msgspec.json.decode(data, type=_Checking)
            _note_checked(digest)
        decoded = msgspec.json.decode(data, type=Cached)
        if len(_decoded) >= _DECODED_MAX:
            _decoded.clear()  # crude but bounded, as ``_checked``
        _decoded[data] = decoded
        return decoded
    return None


def _note_checked(digest: bytes) -> None:
    if len(_checked) >= _CHECKED_MAX:
        _checked.clear()  # crude but bounded: busy copies are checked once more
    _checked.add(digest)


def kept_copy(kept: KeptAnswer, row: ActiveConnector, now: float) -> Cached | None:
    """The answer PostgreSQL keeps, while it may still be shown (and only if it meets today's rules)."""
    if now - kept.fetched_at >= row.cache_seconds + STALE_KEEP_SECONDS:
        return None
    with contextlib.suppress(msgspec.DecodeError):
        msgspec.json.decode(kept.answer, type=EntitlementsResponse)  # kept before a rule it fails?
        return Cached(
            fetched_at=kept.fetched_at, answer=msgspec.json.decode(kept.answer, type=CheckedResponse)
        )
    return None


async def kept_copies(
    db: Db,
    citizen_id: uuid.UUID,
    missing: list[ActiveConnector],
    consents: dict[int, ConsentView],
    now: float,
) -> dict[int, Cached]:
    """Answers past their fresh time, from PostgreSQL: only for connectors Redis had no copy of and
    the citizen may be shown (a citizen within every cache lifetime costs no query)."""
    wanted = {row.id: row for row in missing if not (row.consent_required and row.id not in consents)}
    if not wanted:
        return {}
    kept = await kept_answers(db, citizen_id, list(wanted))
    copies = {answer.connector_id: kept_copy(answer, wanted[answer.connector_id], now) for answer in kept}
    return {connector_id: copy for connector_id, copy in copies.items() if copy is not None}


@dataclass(frozen=True, slots=True)
class Hold:
    until: float
    failed: str | None = None
    """Why the call that claimed it brought no answer (a key of PLAIN_REASONS), once it has ended."""


_HOLDS_MAX = 100_000
_holds: dict[bytes | str, Hold] = {}
"""Holds by the value Redis keeps (a page read again within a cool-down parses none). Bounded by count,
as ``_checked``."""


def _hold_from(raw: bytes | str | None, now: float) -> Hold | None:
    if raw is None:
        return None
    if (hold := _holds.get(raw)) is None:
        text, _, failed = (raw.decode() if isinstance(raw, bytes) else raw).partition(" ")
        hold = Hold(float(text), failed or None)
        if len(_holds) >= _HOLDS_MAX:
            _holds.clear()
        _holds[raw] = hold
    return hold if hold.until > now else None


def is_fresh(copy: Cached, row: ActiveConnector, now: float) -> bool:
    return now - copy.fetched_at < int(row.cache_seconds)


async def by_the_deadline(
    tasks: dict[int, asyncio.Task[Outcome]], cached: dict[int, Cached], deadline_seconds: float
) -> dict[int, Outcome]:
    """Each task's outcome, once all are done or the page's deadline has passed."""
    done, pending = await asyncio.wait(tasks.values(), timeout=deadline_seconds)
    for task in pending:
        task.cancel()
    if pending:  # let each cancelled call note itself as timed out
        await asyncio.wait(pending)
    outcomes: dict[int, Outcome] = {}
    for connector_id, task in tasks.items():
        if task in done and task.exception() is None:
            outcomes[connector_id] = task.result()
        elif task in done:  # a bug of ours, not the agency's doing
            _log.error("entitlements_failed", connector_id=connector_id, exc_info=task.exception())
            outcomes[connector_id] = ("unavailable", None, None, "internal")
        else:  # past the deadline; as when the agency fails, its last answer (dated) if we have one
            copy = cached.get(connector_id)
            outcomes[connector_id] = (
                ("stale", copy.fetched_at, copy.answer, "timeout")
                if copy
                else ("unavailable", None, None, "timeout")
            )
    return outcomes


def as_held(copy: Cached | None, row: ActiveConnector, hold: Hold | None) -> Outcome:
    """What the citizen is shown of a connector not asked now: the copy (fresh or stale), or else why
    the last call brought nothing."""
    if copy is None:
        return ("unavailable", None, None, hold.failed if hold and hold.failed else "cooling")
    if is_fresh(copy, row, time.time()):
        return ("fresh", copy.fetched_at, copy.answer, None)
    return ("stale", copy.fetched_at, copy.answer, "cooling")


class AnswerStore:
    """The copies and holds of every citizen, in Redis."""

    def __init__(self, redis_client: redis.asyncio.Redis) -> None:
        self._redis = redis_client

    @staticmethod
    def keys(connectors: list[ActiveConnector], citizen_id: uuid.UUID) -> list[str]:
        """What ``read`` reads (for the authentication middleware to read with the session)."""
        citizen = str(citizen_id)  # once: a UUID is made text anew each time
        copies, holds = copy_key(0, citizen)[:-1], hold_key(0, citizen)[:-1]  # the prefixes
        return [f"{copies}{row.id}" for row in connectors] + [f"{holds}{row.id}" for row in connectors]

    async def read(
        self, connectors: list[ActiveConnector], citizen_id: uuid.UUID, prefetched: Mapping[str, bytes | None]
    ) -> tuple[dict[int, Cached], dict[int, Hold]]:
        """Every connector's cached answer, and the citizen's holds on asking them again: as read with
        the session (``prefetched``), or else in one round trip."""
        keys = self.keys(connectors, citizen_id)
        if all(key in prefetched for key in keys):
            raws: list[bytes | str | None] = [prefetched[key] for key in keys]
        else:
            raws = await self._redis.mget(keys)
        count, now = len(connectors), time.time()
        copies, holds = {}, {}
        for row, raw_copy, raw_hold in zip(connectors, raws[:count], raws[count:], strict=True):
            if (copy := _copy_from(raw_copy)) is not None:
                copies[row.id] = copy
            if (hold := _hold_from(raw_hold, now)) is not None:
                holds[row.id] = hold
        return copies, holds

    async def claim(
        self, wanted: list[int], holds: dict[int, Hold], citizen_id: uuid.UUID, cooldown_seconds: int
    ) -> set[int]:
        """Claims the citizen's call to each wanted connector not held already (SET NX EX, so that
        replicas agree) and returns those claimed; ``holds`` then says when each may be asked again.
        Without a cool-down, every call is claimed."""
        if cooldown_seconds <= 0:
            return set(wanted)
        free = [connector_id for connector_id in wanted if connector_id not in holds]
        if not free:
            return set()
        until = time.time() + cooldown_seconds
        async with self._redis.pipeline(transaction=False) as pipe:
            for connector_id in free:
                key = hold_key(connector_id, citizen_id)
                pipe.set(key, f"{until:.3f}", nx=True, ex=cooldown_seconds)
            won = await pipe.execute()
        holds.update(dict.fromkeys(free, Hold(until)))  # one lost to a request just before: about as long
        return {connector_id for connector_id, claimed in zip(free, won, strict=True) if claimed}

    @staticmethod
    def note_failures(
        pipe: Pipeline,
        failures: Mapping[int, str],
        holds: Mapping[int, Hold],
        citizen_id: uuid.UUID,
        cooldown_seconds: int,
    ) -> None:
        """Why each claimed call brought no answer, on its hold: the citizen's other requests within the
        cool-down say so rather than wait for an answer that is not coming."""
        if cooldown_seconds <= 0:
            return
        for connector_id, why in failures.items():
            value = f"{holds[connector_id].until:.3f} {why}"
            pipe.set(hold_key(connector_id, citizen_id), value, xx=True, keepttl=True)

    async def await_copy(
        self, row: ActiveConnector, citizen_id: uuid.UUID, deadline_seconds: float
    ) -> Outcome:
        """Another of the citizen's requests is asking this agency now (two tabs, a language switch):
        its answer once cached, or why it brought none, rather than a second call."""
        keys = [copy_key(row.id, citizen_id), hold_key(row.id, citizen_id)]
        give_up = time.monotonic() + deadline_seconds - 2 * _AWAIT_POLL_SECONDS
        while time.monotonic() < give_up:
            await asyncio.sleep(_AWAIT_POLL_SECONDS)
            raw_copy, raw_hold = await self._redis.mget(keys)
            copy, hold = _copy_from(raw_copy), _hold_from(raw_hold, time.time())
            if copy is not None or hold is None or hold.failed:
                return as_held(copy, row, hold)
        return as_held(None, row, None)

    @staticmethod
    def keep(
        pipe: Pipeline,
        answered: list[tuple[ActiveConnector, float, EntitlementsResponse]],
        citizen_id: uuid.UUID,
    ) -> None:
        """Each answer as the connector's cached copy, while it is fresh."""
        for row, at, answer in answered:
            copy = msgspec.json.encode(_Checking(fetched_at=at, answer=answer))
            _note_checked(_digest(copy))
            pipe.set(copy_key(row.id, citizen_id), copy, ex=row.cache_seconds + _REDIS_GRACE_SECONDS)
