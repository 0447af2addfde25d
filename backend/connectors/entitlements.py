"""A citizen's entitlements, gathered live from every agency's connector at once.

Each connector's answer is cached per citizen in Redis for the connector's ``cache_seconds`` and
kept (stale) for a day after. A fresh copy is served as it is. A stale copy is served at once and
refreshed in the background (stale-while-revalidate). Without a copy the connector is called, and
the whole fan-out has one deadline: what has not answered by then is reported as unavailable, in
plain words, and never holds up the page. Every call actually made to an agency on the citizen's
behalf is recorded in ``data_access_log`` (the citizen sees it); cache hits reach no agency and
are not. The statuses of each answer are kept (``entitlement_states``) for campaign audiences and
for telling a citizen, through the outbox, when they newly may claim something.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
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
_STALE_KEEP_SECONDS = 86400
_CONNECTORS_TTL_SECONDS = 5.0
ResultState = Literal["fresh", "stale", "unavailable"]
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


class EntitlementsPage(msgspec.Struct, kw_only=True):
    language: str
    eligible_not_enrolled: list[EntitlementView]
    """What the citizen could claim but has not: shown first, with how to claim."""
    agencies: list[AgencyResult]


class _Cached(msgspec.Struct):
    fetched_at: float
    answer: EntitlementsResponse


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
    )


class EntitlementsService:
    def __init__(
        self,
        pool: Pool,
        queue: Queue,
        client: ConnectorClient,
        cipher: NationalIdCipher,
        *,
        deadline_seconds: float,
    ) -> None:
        self._pool = pool
        self._queue = queue
        self._client = client
        self._redis = client._redis
        self._cipher = cipher
        self.deadline_seconds = deadline_seconds
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

    async def _cached(self, connectors: list[dict[str, Any]], national_id: str) -> dict[int, _Cached]:
        """Every connector's cached answer in one round trip."""
        raws = await self._redis.mget([self._cache_key(row["id"], national_id) for row in connectors])
        return {
            row["id"]: msgspec.json.decode(raw, type=_Cached)
            for row, raw in zip(connectors, raws, strict=True)
            if raw is not None
        }

    def _cache_key(self, connector_id: int, national_id: str) -> str:
        # The cache is keyed by a hash, so Redis holds no national IDs in clear.
        digest = base64.urlsafe_b64encode(self._cipher.lookup_hash(national_id)).decode()
        return _CACHE_KEY.format(connector_id, digest)

    async def for_citizen(
        self, *, citizen_id: str, national_id: str, language: str, caller: Caller, refresh: bool = False
    ) -> EntitlementsPage:
        connectors = await self._active_connectors()
        needs_consent = any(row["consent_required"] for row in connectors)
        consents = await queries.live_consents(self._pool, citizen_id) if needs_consent else {}
        request_id = uuid.uuid4().hex
        cached = await self._cached(connectors, national_id) if connectors else {}
        tasks = {
            row["id"]: asyncio.create_task(
                self._one(
                    row,
                    citizen_id,
                    national_id,
                    caller,
                    request_id,
                    row["id"] in consents,
                    cached.get(row["id"]),
                    refresh,
                )
            )
            for row in connectors
        }
        done, pending = (
            await asyncio.wait(tasks.values(), timeout=self.deadline_seconds) if tasks else (set(), set())
        )
        for task in pending:
            task.cancel()
        results: list[AgencyResult] = []
        for row in connectors:
            task = tasks[row["id"]]
            outcome: tuple[ResultState, float | None, EntitlementsResponse | None, str | None]
            if task in done and not task.cancelled() and task.exception() is None:
                outcome = task.result()
            elif task in done and not task.cancelled():  # a bug of ours, not the agency's doing
                _log.error("entitlements_failed", connector_id=row["id"], exc_info=task.exception())
                outcome = ("unavailable", None, None, "internal")
            else:
                outcome = ("unavailable", None, None, "timeout")
            results.append(self._result(row, outcome, language, row["id"] in consents))
        claimable = [
            entitlement
            for result in results
            for entitlement in result.entitlements
            if entitlement.status == "eligible_not_enrolled"
        ]
        return EntitlementsPage(language=language, eligible_not_enrolled=claimable, agencies=results)

    async def _one(
        self,
        row: dict[str, Any],
        citizen_id: str,
        national_id: str,
        caller: Caller,
        request_id: str,
        consented: bool,
        cached: _Cached | None,
        refresh: bool,
    ) -> tuple[ResultState, float | None, EntitlementsResponse | None, str | None]:
        if row["consent_required"] and not consented:
            return ("unavailable", None, None, "consent")
        now = time.time()
        if cached and not refresh and now - cached.fetched_at < row["cache_seconds"]:
            return ("fresh", cached.fetched_at, cached.answer, None)
        if cached and not refresh:
            self._refresh_in_background(row, citizen_id, national_id, caller, request_id)
            return ("stale", cached.fetched_at, cached.answer, "refreshing")
        try:
            answer = await self._call(row, citizen_id, national_id, caller, request_id)
        except ConnectorFailure as failure:
            if cached:
                return ("stale", cached.fetched_at, cached.answer, failure.kind)
            return ("unavailable", None, None, failure.kind)
        return ("fresh", time.time(), answer, None)

    async def _call(
        self, row: dict[str, Any], citizen_id: str, national_id: str, caller: Caller, request_id: str
    ) -> EntitlementsResponse:
        target = target_from_row(row, self._cipher)
        outcome, detail = "ok", None
        try:
            answer = await self._client.entitlements(target, national_id, row["purpose"], request_id)
        except ConnectorFailure as failure:
            outcome = {"timeout": "timeout", "refused_destination": "refused", "breaker_open": "refused"}.get(
                failure.kind, "failed"
            )
            detail = PLAIN_REASONS[failure.kind][1]
            if failure.kind != "breaker_open":  # an open breaker means no call reached the agency
                await self._record(row, citizen_id, caller, outcome, detail)
            raise
        except asyncio.CancelledError:  # the page's deadline passed while the agency was being asked
            self._in_background(
                self._record(row, citizen_id, caller, "timeout", "the page's deadline passed")
            )
            raise
        await self._record(row, citizen_id, caller, outcome, detail)
        await self._remember_states(row, citizen_id, answer)
        cached = _Cached(fetched_at=time.time(), answer=answer)
        await self._redis.set(
            self._cache_key(row["id"], national_id),
            msgspec.json.encode(cached),
            ex=row["cache_seconds"] + _STALE_KEEP_SECONDS,
        )
        return answer

    async def _remember_states(
        self, row: dict[str, Any], citizen_id: str, answer: EntitlementsResponse
    ) -> None:
        """Keep the answer's statuses; a scheme newly "eligible but not enrolled" becomes a task that
        tells the citizen (the notifications feature handles ``NEWLY_ELIGIBLE_TASK``)."""
        async with unit_of_work(self._pool, self._queue) as work:
            newly_eligible = await queries.replace_entitlement_states(
                work.connection,
                citizen_id=citizen_id,
                connector_id=row["id"],
                agency_id=row["agency_id"],
                states=[msgspec.structs.asdict(entitlement) for entitlement in answer.entitlements],
            )
            await work.add_tasks(
                NEWLY_ELIGIBLE_TASK,
                [(f"{citizen_id}:{row['id']}:{scheme}", None) for scheme in newly_eligible],
            )

    async def _record(
        self, row: dict[str, Any], citizen_id: str, caller: Caller, outcome: str, detail: str | None
    ) -> None:
        await queries.record_access(
            self._pool,
            citizen_id=citizen_id,
            agency_id=row["agency_id"],
            connector_id=row["id"],
            actor_kind=caller.kind,
            actor_id=caller.id,
            purpose=row["purpose"],
            fields=list(row["fields"]),
            outcome=outcome,
            detail=detail,
        )

    def _refresh_in_background(
        self, row: dict[str, Any], citizen_id: str, national_id: str, caller: Caller, request_id: str
    ) -> None:
        async def refresh() -> None:
            with contextlib.suppress(ConnectorFailure):  # the stale copy stays; the failure is recorded
                await self._call(row, citizen_id, national_id, caller, request_id)

        self._in_background(refresh())

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._refreshing.add(task)
        task.add_done_callback(self._refreshing.discard)

    async def settle(self) -> None:
        """Wait for background refreshes and records (shutdown and tests)."""
        if self._refreshing:
            await asyncio.gather(*self._refreshing, return_exceptions=True)

    def _result(
        self,
        row: dict[str, Any],
        outcome: tuple[ResultState, float | None, EntitlementsResponse | None, str | None],
        language: str,
        consented: bool,
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
        )


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
