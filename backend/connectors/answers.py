"""A citizen's answers from each connector: as kept in Redis between pages, and as the page shows them.

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
import datetime as dt
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec
import redis.asyncio

from backend.connectors.answers_queries import KeptAnswer
from backend.connectors.client import PLAIN_REASONS
from backend.connectors.contract import CheckedEntitlement, CheckedResponse, EntitlementsResponse
from backend.connectors.schemas import (
    ActiveConnector,
    AgencyResult,
    ConsentView,
    EntitlementView,
    ResultState,
)
from backend.identity.sessions import citizen_key


def copy_key(connector_id: int, citizen_id: str) -> str:
    return f"{citizen_key(citizen_id, 'entitlements')}:{connector_id}"


def hold_key(connector_id: int, citizen_id: str) -> str:
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


@dataclass(frozen=True, slots=True)
class Hold:
    until: float
    failed: str | None = None
    """Why the call that claimed it brought no answer (a key of PLAIN_REASONS), once it has ended."""


def _hold_from(raw: bytes | str | None) -> Hold | None:
    if raw is None:
        return None
    text, _, failed = (raw.decode() if isinstance(raw, bytes) else raw).partition(" ")
    until = float(text)
    return Hold(until, failed or None) if until > time.time() else None


def is_fresh(copy: Cached, row: ActiveConnector, now: float) -> bool:
    return now - copy.fetched_at < int(row.cache_seconds)


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
    def keys(connectors: list[ActiveConnector], citizen_id: str) -> list[str]:
        """What ``read`` reads (for the authentication middleware to read with the session)."""
        copies, holds = copy_key(0, citizen_id)[:-1], hold_key(0, citizen_id)[:-1]  # the prefixes
        return [f"{copies}{row.id}" for row in connectors] + [f"{holds}{row.id}" for row in connectors]

    async def read(
        self, connectors: list[ActiveConnector], citizen_id: str, prefetched: Mapping[str, bytes | None]
    ) -> tuple[dict[int, Cached], dict[int, Hold]]:
        """Every connector's cached answer, and the citizen's holds on asking them again: as read with
        the session (``prefetched``), or else in one round trip."""
        keys = self.keys(connectors, citizen_id)
        if all(key in prefetched for key in keys):
            raws: list[bytes | str | None] = [prefetched[key] for key in keys]
        else:
            raws = await self._redis.mget(keys)
        count = len(connectors)
        copies, holds = {}, {}
        for row, raw_copy, raw_hold in zip(connectors, raws[:count], raws[count:], strict=True):
            if (copy := _copy_from(raw_copy)) is not None:
                copies[row.id] = copy
            if (hold := _hold_from(raw_hold)) is not None:
                holds[row.id] = hold
        return copies, holds

    async def claim(
        self, wanted: list[int], holds: dict[int, Hold], citizen_id: str, cooldown_seconds: int
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

    async def note_failures(
        self, failures: dict[int, str], holds: dict[int, Hold], citizen_id: str, cooldown_seconds: int
    ) -> None:
        """Why each claimed call brought no answer, on its hold: the citizen's other requests within the
        cool-down say so rather than wait for an answer that is not coming."""
        if not failures or cooldown_seconds <= 0:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for connector_id, why in failures.items():
                value = f"{holds[connector_id].until:.3f} {why}"
                pipe.set(hold_key(connector_id, citizen_id), value, xx=True, keepttl=True)
            await pipe.execute()

    async def await_copy(self, row: ActiveConnector, citizen_id: str, deadline_seconds: float) -> Outcome:
        """Another of the citizen's requests is asking this agency now (two tabs, a language switch):
        its answer once cached, or why it brought none, rather than a second call."""
        keys = [copy_key(row.id, citizen_id), hold_key(row.id, citizen_id)]
        give_up = time.monotonic() + deadline_seconds - 2 * _AWAIT_POLL_SECONDS
        while time.monotonic() < give_up:
            await asyncio.sleep(_AWAIT_POLL_SECONDS)
            raw_copy, raw_hold = await self._redis.mget(keys)
            copy, hold = _copy_from(raw_copy), _hold_from(raw_hold)
            if copy is not None or hold is None or hold.failed:
                return as_held(copy, row, hold)
        return as_held(None, row, None)

    async def keep(
        self, answered: list[tuple[ActiveConnector, float, EntitlementsResponse]], citizen_id: str
    ) -> None:
        """Each answer as the connector's cached copy, while it is fresh."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for row, at, answer in answered:
                copy = msgspec.json.encode(_Checking(fetched_at=at, answer=answer))
                _note_checked(_digest(copy))
                pipe.set(copy_key(row.id, citizen_id), copy, ex=row.cache_seconds + _REDIS_GRACE_SECONDS)
            await pipe.execute()


# --- what the page shows --------------------------------------------------------------------------


_COOLING_STALE = ("ข้อมูลล่าสุดที่มี", "The latest we have.")
_COOLING = (
    "เพิ่งสอบถามหน่วยงานนี้ไปเมื่อครู่ โปรดลองใหม่อีกครั้งในไม่ช้า",
    "We asked this agency moments ago; please try again shortly.",
)
_REASONS: dict[str, tuple[str, str]] = {
    **PLAIN_REASONS,
    "consent": ("ต้องได้รับความยินยอมจากท่านก่อน", "This agency needs your consent before we ask it."),
    "refreshing": ("ข้อมูลล่าสุดที่มี กำลังปรับปรุง", "The latest we have; refreshing now."),
    "busy": (
        "ข้อมูลล่าสุดที่มี ขณะนี้มีผู้ใช้จำนวนมาก จะปรับปรุงเมื่อท่านเปิดหน้านี้อีกครั้ง",
        "The latest we have: many people are checking right now; it is updated when you come back.",
    ),
}
"""Why a connector's answer is not fresh, in Thai and English (the plain reasons of a failed call too)."""


_RESULTS_MAX = 4_096
_results_of: dict[tuple[Any, ...], tuple[ActiveConnector, Answer | None, AgencyResult]] = {}
"""A connector's part of the page, by everything it is made of but its age: a page shown again
(its rows and answers the same objects: ``_decoded``) only updates the age. Each entry holds its row
and answer, so their ids are not reused."""


def agency_result(
    row: ActiveConnector, outcome: Outcome, language: str, consent: ConsentView | None, hold: Hold | None
) -> AgencyResult:
    state, fetched_at, answer, why = outcome
    key = (
        id(row),
        id(answer),
        language,
        state,
        fetched_at,
        why,
        consent.id if consent else None,
        consent.expires_at if consent else None,
        hold.until if hold else None,
    )
    if (known := _results_of.get(key)) is None:
        if len(_results_of) >= _RESULTS_MAX:
            _results_of.clear()
        known = _results_of[key] = (row, answer, _agency_result(row, outcome, language, consent, hold))
    result = known[2]
    if fetched_at:
        return msgspec.structs.replace(result, age_seconds=int(time.time() - fetched_at))
    return result


def _agency_result(
    row: ActiveConnector, outcome: Outcome, language: str, consent: ConsentView | None, hold: Hold | None
) -> AgencyResult:
    state, fetched_at, answer, why = outcome
    index = 0 if language == "th" else 1
    english = language == "en"
    agency_name = row.agency_name_en if english else row.agency_name_th
    if why == "cooling":
        reason: str | None = _COOLING_STALE[index] if state == "stale" else _COOLING[index]
    else:
        texts = _REASONS.get(why) if why else None
        reason = texts[index] if texts else None
    entitlements = _views(answer, row.agency_code, agency_name, language) if answer else []
    return AgencyResult(
        agency_code=row.agency_code,
        agency_name=agency_name,
        connector_id=row.id,
        connector_title=row.title_en if english else row.title_th,
        state=state,
        as_of=dt.datetime.fromtimestamp(fetched_at, tz=dt.UTC) if fetched_at else None,
        age_seconds=int(time.time() - fetched_at) if fetched_at else None,
        reason=reason,
        consent_required=row.consent_required,
        consent_given=consent is not None,
        purpose=row.purpose_en if english else row.purpose_th,
        fields=row.fields_en if english else row.fields_th,
        consent_days=row.consent_days,
        consent_id=consent.id if consent else None,
        consent_expires_at=consent.expires_at if consent else None,
        entitlements=entitlements,
        refresh_available_at=dt.datetime.fromtimestamp(hold.until, tz=dt.UTC) if hold else None,
    )


_VIEWS_MAX = 4_096
_views_of: dict[tuple[int, str, str, str], tuple[Answer, list[EntitlementView]]] = {}
"""An answer's entitlements as a page shows them, per language and agency name: a copy read again
(``_decoded``: the same answer) is not shown anew. Each entry holds its answer, so its id is not reused."""


def _views(answer: Answer, agency_code: str, agency_name: str, language: str) -> list[EntitlementView]:
    key = (id(answer), agency_code, agency_name, language)
    if (known := _views_of.get(key)) is not None:
        return known[1]
    views = [
        _entitlement_view(entitlement, agency_code, agency_name, language)
        for entitlement in answer.entitlements
    ]
    views.sort(key=lambda view: view.status != "eligible_not_enrolled")
    if len(_views_of) >= _VIEWS_MAX:
        _views_of.clear()
    _views_of[key] = (answer, views)
    return views


def _entitlement_view(
    entitlement: CheckedEntitlement, agency_code: str, agency_name: str, language: str
) -> EntitlementView:
    english = language == "en"
    return EntitlementView(
        agency_code=agency_code,
        agency_name=agency_name,
        scheme_id=entitlement.scheme_id,
        scheme_name=entitlement.scheme_name_en if english else entitlement.scheme_name_th,
        kind=entitlement.kind,
        status=entitlement.status,
        amount_satang=entitlement.amount_satang,
        period=entitlement.period,
        next_payment_date=entitlement.next_payment_date,
        details=entitlement.details_en if english else entitlement.details_th,
        how_to_claim=entitlement.how_to_claim_en if english else entitlement.how_to_claim_th,
        url=entitlement.url,
    )
