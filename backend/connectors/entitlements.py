"""A citizen's entitlements, gathered live from every agency's connector at once.

Each connector's answer is cached per citizen in Redis for the connector's ``cache_seconds`` and
kept (stale) for a day after. A fresh copy is served as it is. A stale copy is served at once and
refreshed in the background (stale-while-revalidate). Without a copy (or on a refresh) the connector
is called, and the whole fan-out has one deadline: what has not answered by then is shown from its
last copy, marked stale, or else reported as unavailable, in plain words; it never holds up the page.
A citizen's calls to one connector are held to one per cool-down (a minute by default), whatever asks
for them (a refresh, a stale copy, a missing one): within it the copy is served as it is, and the page
says when the citizen may refresh.
Every call actually made to an agency on the citizen's behalf is recorded in ``data_access_log`` (the
citizen sees it); cache hits reach no agency and are not. The statuses of each answer are kept
(``entitlement_states``) for campaign audiences and for telling a citizen, through the outbox, when
they newly may claim something.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import msgspec
import structlog

from backend.connectors import queries
from backend.connectors.client import PLAIN_REASONS, ConnectorClient, ConnectorFailure, ConnectorTarget
from backend.connectors.contract import Entitlement, EntitlementsResponse
from backend.core.crypto import NationalIdCipher
from backend.core.db import Pool
from backend.core.tasks import unit_of_work

if TYPE_CHECKING:
    from saq.queue.base import Queue

_log = structlog.get_logger(__name__)

SECRET_PURPOSE = b"connector.secret.v1"
_CACHE_KEY = "entitlements:{}:{}"
_HOLD_KEY = "entitlements-refresh:{}:{}"
"""Connector, citizen (digest): held while the citizen may not have that connector asked again; the
value is when they may (epoch seconds), then, once the call has failed, why."""
_AWAIT_POLL_SECONDS = 0.05
_STALE_KEEP_SECONDS = 86400
_CONNECTORS_TTL_SECONDS = 5.0
ResultState = Literal["fresh", "stale", "unavailable"]
Outcome = tuple[ResultState, float | None, EntitlementsResponse | None, str | None]
"""(state, when the answer was fetched, the answer, why it is not fresh)."""
NEWLY_ELIGIBLE_TASK = "entitlements.newly_eligible"
"""Ref ``citizen_id:connector_id:scheme_id``; handled by ``notifications.proactive``."""


class EntitlementView(msgspec.Struct, kw_only=True):
    agency_code: str
    agency_name: str
    scheme_id: str
    scheme_name: str
    status: str
    amount_satang: int | None
    period: str | None
    next_payment_date: dt.date | None
    details: str
    how_to_claim: str
    url: str | None


class AgencyResult(msgspec.Struct, kw_only=True):
    agency_code: str
    agency_name: str
    connector_id: int
    connector_title: str
    state: ResultState
    as_of: dt.datetime | None
    age_seconds: int | None
    reason: str | None
    """Why the result is stale or unavailable, in plain words."""
    consent_required: bool
    consent_given: bool
    entitlements: list[EntitlementView]
    refresh_available_at: dt.datetime | None = None
    """When a refresh would ask this agency again; null: now."""


class EntitlementsPage(msgspec.Struct, kw_only=True):
    language: str
    eligible_not_enrolled: list[EntitlementView]
    """What the citizen could claim but has not: shown first, with how to claim."""
    agencies: list[AgencyResult]
    refresh_available_at: dt.datetime | None = None
    """When a refresh would ask every agency again (the latest of theirs); null: now."""


class _Cached(msgspec.Struct):
    fetched_at: float
    answer: EntitlementsResponse


def _copy_from(raw: bytes | str | None) -> _Cached | None:
    with contextlib.suppress(msgspec.DecodeError):  # one kept before a rule it fails: as if missing
        return msgspec.json.decode(raw, type=_Cached) if raw is not None else None
    return None


@dataclass(frozen=True, slots=True)
class _Hold:
    until: float
    failed: str | None = None
    """Why the call that claimed it brought no answer (a key of PLAIN_REASONS), once it has ended."""


def _hold_from(raw: bytes | str | None) -> _Hold | None:
    if raw is None:
        return None
    until, _, failed = (raw.decode() if isinstance(raw, bytes) else raw).partition(" ")
    return _Hold(float(until), failed or None) if float(until) > time.time() else None


@dataclass(frozen=True, slots=True)
class _Call:
    """One call made to an agency during a page: what the data-access record and cache need."""

    row: dict[str, Any]
    outcome: str
    detail: str | None
    answer: EntitlementsResponse | None
    at: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who caused the calls: the citizen themself, a staff member, or the system."""

    kind: Literal["citizen", "staff", "system"]
    id: str | None


def target_from_row(row: dict[str, Any], cipher: NationalIdCipher) -> ConnectorTarget:
    secret = (
        cipher.decrypt(row["secret_key_id"], row["secret_ciphertext"], purpose=SECRET_PURPOSE)
        if row["secret_ciphertext"]
        else None
    )
    return ConnectorTarget(
        id=row["id"],
        agency_id=row["agency_id"],
        base_url=row["base_url"],
        auth_kind=row["auth_kind"],
        api_key_header=row["api_key_header"],
        secret=secret,
        oauth_token_url=row["oauth_token_url"],
        oauth_client_id=row["oauth_client_id"],
        oauth_scope=row["oauth_scope"],
        timeout_ms=row["timeout_ms"],
        retries=row["retries"],
        client_certificate_pem=row["client_certificate_pem"],
        server_ca_pem=row["server_ca_pem"],
        tls_version=row["updated_at"].isoformat(),
    )


def age_on(birthdate: dt.date, today: dt.date) -> int:
    return today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))


def relevant_to(row: dict[str, Any], age: int | None) -> bool:
    """A connector that names an age range is asked only about citizens in it; when the citizen's age
    is unknown it is asked (leaving someone out would hide what they may be owed)."""
    if age is None:
        return True
    young_enough = row["max_age"] is None or age <= row["max_age"]
    return young_enough and (row["min_age"] is None or age >= row["min_age"])


class EntitlementsService:
    def __init__(
        self,
        pool: Pool,
        queue: Queue,
        client: ConnectorClient,
        cipher: NationalIdCipher,
        *,
        deadline_seconds: float,
        refresh_cooldown_seconds: int = 60,
    ) -> None:
        self._pool = pool
        self._queue = queue
        self._client = client
        self._redis = client.redis
        self._cipher = cipher
        self.deadline_seconds = deadline_seconds
        self.refresh_cooldown_seconds = refresh_cooldown_seconds
        self._refreshing: set[asyncio.Task[None]] = set()
        self._connectors: list[dict[str, Any]] = []
        self._connectors_read_at = -_CONNECTORS_TTL_SECONDS

    async def _active_connectors(self) -> list[dict[str, Any]]:
        """The list changes only when an agency registers, changes or disables a connector; read it
        every few seconds rather than on every citizen's request."""
        if time.monotonic() - self._connectors_read_at >= _CONNECTORS_TTL_SECONDS:
            self._connectors = await queries.active_connectors(self._pool)
            self._connectors_read_at = time.monotonic()
        return self._connectors

    def forget_connectors(self) -> None:
        self._connectors_read_at = -_CONNECTORS_TTL_SECONDS

    async def _cached(
        self, connectors: list[dict[str, Any]], digest: str
    ) -> tuple[dict[int, _Cached], dict[int, _Hold]]:
        """Every connector's cached answer, and the citizen's holds on asking them again, in one round
        trip."""
        keys = [_CACHE_KEY.format(row["id"], digest) for row in connectors]
        keys += [_HOLD_KEY.format(row["id"], digest) for row in connectors]
        raws = await self._redis.mget(keys)
        count = len(connectors)
        copies, holds = {}, {}
        for row, raw_copy, raw_hold in zip(connectors, raws[:count], raws[count:], strict=True):
            if (copy := _copy_from(raw_copy)) is not None:
                copies[row["id"]] = copy
            if (hold := _hold_from(raw_hold)) is not None:
                holds[row["id"]] = hold
        return copies, holds

    async def _claim(self, wanted: list[int], holds: dict[int, _Hold], digest: str) -> set[int]:
        """Claims the citizen's call to each wanted connector not held already (SET NX EX, so that
        replicas agree) and returns those claimed; ``holds`` then says when each may be asked again.
        Without a cool-down, every call is claimed."""
        if self.refresh_cooldown_seconds <= 0:
            return set(wanted)
        free = [connector_id for connector_id in wanted if connector_id not in holds]
        if not free:
            return set()
        until = time.time() + self.refresh_cooldown_seconds
        async with self._redis.pipeline(transaction=False) as pipe:
            for connector_id in free:
                key = _HOLD_KEY.format(connector_id, digest)
                pipe.set(key, f"{until:.3f}", nx=True, ex=self.refresh_cooldown_seconds)
            won = await pipe.execute()
        holds.update(dict.fromkeys(free, _Hold(until)))  # one lost to a request just before: about as long
        return {connector_id for connector_id, claimed in zip(free, won, strict=True) if claimed}

    async def _note_failures(self, failures: dict[int, str], holds: dict[int, _Hold], digest: str) -> None:
        """Why each claimed call brought no answer, on its hold: the citizen's other requests within the
        cool-down say so rather than wait for an answer that is not coming."""
        if not failures or self.refresh_cooldown_seconds <= 0:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for connector_id, why in failures.items():
                value = f"{holds[connector_id].until:.3f} {why}"
                pipe.set(_HOLD_KEY.format(connector_id, digest), value, xx=True, keepttl=True)
            await pipe.execute()

    async def _await_copy(self, row: dict[str, Any], digest: str) -> Outcome:
        """Another of the citizen's requests is asking this agency now (two tabs, a language switch):
        its answer once cached, or why it brought none, rather than a second call."""
        keys = [_CACHE_KEY.format(row["id"], digest), _HOLD_KEY.format(row["id"], digest)]
        give_up = time.monotonic() + self.deadline_seconds - 2 * _AWAIT_POLL_SECONDS
        while time.monotonic() < give_up:
            await asyncio.sleep(_AWAIT_POLL_SECONDS)
            raw_copy, raw_hold = await self._redis.mget(keys)
            copy, hold = _copy_from(raw_copy), _hold_from(raw_hold)
            if copy is not None or hold is None or hold.failed:
                return _as_held(copy, row, hold)
        return _as_held(None, row, None)

    def _digest(self, national_id: str) -> str:
        """What the cache is keyed by, so that Redis holds no national IDs in clear."""
        return base64.urlsafe_b64encode(self._cipher.lookup_hash(national_id)).decode()

    async def for_citizen(
        self,
        *,
        citizen_id: str,
        national_id: str,
        birthdate: dt.date | None,
        language: str,
        caller: Caller,
        refresh: bool = False,
    ) -> EntitlementsPage:
        age = age_on(birthdate, dt.date.today()) if birthdate else None
        connectors = [row for row in await self._active_connectors() if relevant_to(row, age)]
        needs_consent = any(row["consent_required"] for row in connectors)
        consents = await queries.live_consents(self._pool, citizen_id) if needs_consent else {}
        request_id = uuid.uuid4().hex
        digest = self._digest(national_id)
        cached, holds = await self._cached(connectors, digest) if connectors else ({}, {})
        now = time.time()
        wanted = [  # what would reach an agency: a refresh, or a copy stale or missing
            row["id"]
            for row in connectors
            if not (row["consent_required"] and row["id"] not in consents)
            and (refresh or (copy := cached.get(row["id"])) is None or not _fresh(copy, row, now))
        ]
        claimed = await self._claim(wanted, holds, digest)
        calls: list[_Call] = []
        outcomes: dict[int, Outcome] = {}
        tasks: dict[int, asyncio.Task[Outcome]] = {}
        for row in connectors:
            copy, hold = cached.get(row["id"]), holds.get(row["id"])
            if row["consent_required"] and row["id"] not in consents:
                outcomes[row["id"]] = ("unavailable", None, None, "consent")
            elif row["id"] not in claimed and copy is None and hold is not None and hold.failed is None:
                # being asked by another of the citizen's requests this moment: its answer, not a call
                tasks[row["id"]] = asyncio.create_task(self._await_copy(row, digest))
            elif row["id"] not in claimed:  # a fresh copy, or asked within the cool-down: what we have
                outcomes[row["id"]] = _as_held(copy, row, hold)
            elif copy and not refresh:
                self._refresh_in_background(row, citizen_id, national_id, caller, request_id)
                outcomes[row["id"]] = ("stale", copy.fetched_at, copy.answer, "refreshing")
            else:  # only what must reach an agency costs a task
                tasks[row["id"]] = asyncio.create_task(self._ask(row, national_id, request_id, copy, calls))
        if tasks:
            outcomes |= await self._by_the_deadline(tasks, cached)
            await self._keep(calls, citizen_id, digest, caller)
            failed = {key: outcomes[key] for key in claimed & tasks.keys() if outcomes[key][0] != "fresh"}
            await self._note_failures({key: why for key, (*_, why) in failed.items() if why}, holds, digest)
        results = [
            self._result(row, outcomes[row["id"]], language, row["id"] in consents, holds.get(row["id"]))
            for row in connectors
        ]
        claimable = [
            entitlement
            for result in results
            for entitlement in result.entitlements
            if entitlement.status == "eligible_not_enrolled"
        ]
        later = [result.refresh_available_at for result in results if result.refresh_available_at]
        return EntitlementsPage(
            language=language,
            eligible_not_enrolled=claimable,
            agencies=results,
            refresh_available_at=max(later, default=None),
        )

    async def _by_the_deadline(
        self, tasks: dict[int, asyncio.Task[Outcome]], cached: dict[int, _Cached]
    ) -> dict[int, Outcome]:
        """Each task's outcome, once all are done or the page's deadline has passed."""
        done, pending = await asyncio.wait(tasks.values(), timeout=self.deadline_seconds)
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

    async def _ask(
        self,
        row: dict[str, Any],
        national_id: str,
        request_id: str,
        copy: _Cached | None,
        calls: list[_Call],
    ) -> Outcome:
        try:
            answer = await self._call(row, national_id, request_id, calls)
        except ConnectorFailure as failure:
            if copy:
                return ("stale", copy.fetched_at, copy.answer, failure.kind)
            return ("unavailable", None, None, failure.kind)
        return ("fresh", time.time(), answer, None)

    async def _call(
        self, row: dict[str, Any], national_id: str, request_id: str, calls: list[_Call]
    ) -> EntitlementsResponse:
        """Ask the agency, noting the call in ``calls``; what it leads to is kept by ``_keep``."""
        target = target_from_row(row, self._cipher)
        try:
            answer = await self._client.entitlements(target, national_id, row["purpose"], request_id)
        except ConnectorFailure as failure:
            if failure.kind != "breaker_open":  # an open breaker means no call reached the agency
                outcome = {"timeout": "timeout", "refused_destination": "refused"}.get(failure.kind, "failed")
                calls.append(_Call(row, outcome, PLAIN_REASONS[failure.kind][1], None))
            raise
        except asyncio.CancelledError:  # the page's deadline passed while the agency was being asked
            calls.append(_Call(row, "timeout", "the page's deadline passed", None))
            raise
        calls.append(_Call(row, "ok", None, answer))
        return answer

    async def _keep(self, calls: list[_Call], citizen_id: str, digest: str, caller: Caller) -> None:
        """Everything the calls of one page lead to, in one transaction before the page is answered:
        a data-access record per call, each answer's statuses (and a task telling the citizen of a
        scheme they newly may claim), then the answers cached."""
        if not calls:
            return
        async with unit_of_work(self._pool, self._queue) as work:
            await queries.record_accesses(
                work.connection,
                citizen_id=citizen_id,
                actor_kind=caller.kind,
                actor_id=caller.id,
                calls=[
                    (row["agency_id"], row["id"], row["purpose"], row["fields"], call.outcome, call.detail)
                    for call in calls
                    for row in [call.row]
                ],
            )
            answered = [(call.row, call.at, call.answer) for call in calls if call.answer is not None]
            if answered:
                newly_eligible = await queries.replace_entitlement_states(
                    work.connection,
                    citizen_id=citizen_id,
                    answers=[
                        (
                            row["id"],
                            row["agency_id"],
                            [msgspec.structs.asdict(e) for e in answer.entitlements],
                        )
                        for row, _, answer in answered
                    ],
                )
                await work.add_tasks(
                    NEWLY_ELIGIBLE_TASK,
                    [
                        (f"{citizen_id}:{connector_id}:{scheme}", None)
                        for connector_id, scheme in newly_eligible
                    ],
                )
        if answered:
            async with self._redis.pipeline(transaction=False) as pipe:
                for row, at, answer in answered:
                    pipe.set(
                        _CACHE_KEY.format(row["id"], digest),
                        msgspec.json.encode(_Cached(fetched_at=at, answer=answer)),
                        ex=row["cache_seconds"] + _STALE_KEEP_SECONDS,
                    )
                await pipe.execute()

    def _refresh_in_background(
        self, row: dict[str, Any], citizen_id: str, national_id: str, caller: Caller, request_id: str
    ) -> None:
        async def refresh() -> None:
            calls: list[_Call] = []
            with contextlib.suppress(ConnectorFailure):  # the stale copy stays; the failure is recorded
                await self._call(row, national_id, request_id, calls)
            await self._keep(calls, citizen_id, self._digest(national_id), caller)

        task = asyncio.create_task(refresh())
        self._refreshing.add(task)
        task.add_done_callback(self._refreshing.discard)

    async def settle(self) -> None:
        """Wait for background refreshes (shutdown and tests)."""
        if self._refreshing:
            await asyncio.gather(*self._refreshing, return_exceptions=True)

    def _result(
        self,
        row: dict[str, Any],
        outcome: Outcome,
        language: str,
        consented: bool,
        hold: _Hold | None,
    ) -> AgencyResult:
        state, fetched_at, answer, why = outcome
        index = 0 if language == "th" else 1
        agency_name = row[f"agency_name_{language}"]
        if why == "consent":
            reason: str | None = (
                "ต้องได้รับความยินยอมจากท่านก่อน",
                "This agency needs your consent before we ask it.",
            )[index]
        elif why == "refreshing":
            reason = ("ข้อมูลล่าสุดที่มี กำลังปรับปรุง", "The latest we have; refreshing now.")[index]
        elif why == "cooling" and state == "stale":
            reason = ("ข้อมูลล่าสุดที่มี", "The latest we have.")[index]
        elif why == "cooling":
            reason = (
                "เพิ่งสอบถามหน่วยงานนี้ไปเมื่อครู่ โปรดลองใหม่อีกครั้งในไม่ช้า",
                "We asked this agency moments ago; please try again shortly.",
            )[index]
        else:
            reason = PLAIN_REASONS[why][index] if why in PLAIN_REASONS else None
        entitlements = [
            _entitlement_view(entitlement, row["agency_code"], agency_name, language)
            for entitlement in (answer.entitlements if answer else [])
        ]
        entitlements.sort(key=lambda view: view.status != "eligible_not_enrolled")
        return AgencyResult(
            agency_code=row["agency_code"],
            agency_name=agency_name,
            connector_id=row["id"],
            connector_title=row[f"title_{language}"],
            state=state,
            as_of=dt.datetime.fromtimestamp(fetched_at, tz=dt.UTC) if fetched_at else None,
            age_seconds=int(time.time() - fetched_at) if fetched_at else None,
            reason=reason,
            consent_required=row["consent_required"],
            consent_given=consented,
            entitlements=entitlements,
            refresh_available_at=dt.datetime.fromtimestamp(hold.until, tz=dt.UTC) if hold else None,
        )


def _fresh(copy: _Cached, row: dict[str, Any], now: float) -> bool:
    return now - copy.fetched_at < int(row["cache_seconds"])


def _as_held(copy: _Cached | None, row: dict[str, Any], hold: _Hold | None) -> Outcome:
    """What the citizen is shown of a connector not asked now: the copy (fresh or stale), or else why
    the last call brought nothing."""
    if copy is None:
        return ("unavailable", None, None, hold.failed if hold and hold.failed else "cooling")
    if _fresh(copy, row, time.time()):
        return ("fresh", copy.fetched_at, copy.answer, None)
    return ("stale", copy.fetched_at, copy.answer, "cooling")


def _entitlement_view(
    entitlement: Entitlement, agency_code: str, agency_name: str, language: str
) -> EntitlementView:
    english = language == "en"
    return EntitlementView(
        agency_code=agency_code,
        agency_name=agency_name,
        scheme_id=entitlement.scheme_id,
        scheme_name=entitlement.scheme_name_en if english else entitlement.scheme_name_th,
        status=entitlement.status,
        amount_satang=entitlement.amount_satang,
        period=entitlement.period,
        next_payment_date=entitlement.next_payment_date,
        details=entitlement.details_en if english else entitlement.details_th,
        how_to_claim=entitlement.how_to_claim_en if english else entitlement.how_to_claim_th,
        url=entitlement.url,
    )
