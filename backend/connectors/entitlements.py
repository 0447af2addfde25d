"""A citizen's entitlements, gathered live from every agency's connector at once.

Each connector's answer is cached per citizen in Redis for the connector's ``cache_seconds`` and
kept in PostgreSQL, where it may be shown stale for a day after (``backend.connectors.answers``). A
fresh copy is served as it is. A stale copy is served at once and refreshed in the background
(stale-while-revalidate). Without a copy (or on a refresh) the connector is called, and the whole
fan-out has one deadline: what has not answered by then is shown from its last copy, marked stale, or
else reported as unavailable, in plain words; it never holds up the page.
A citizen's calls to one connector are held to one per cool-down (a minute by default), whatever asks
for them (a refresh, a stale copy, a missing one): within it the copy is served as it is, and the page
says when the citizen may refresh.
Every call actually made to an agency on the citizen's behalf is recorded in ``data_access_log`` (the
citizen sees it); cache hits reach no agency and are not. The statuses of each answer are kept
(``entitlement_states``) for campaign audiences and for telling a citizen, through the outbox, when
they newly may claim something.

Other features use ``NEWLY_ELIGIBLE_TASK`` (notifications) from here.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import msgspec
from litestar.datastructures import State

from backend.connectors import page_queries, queries
from backend.connectors.answers import (
    AnswerStore,
    Cached,
    Hold,
    Outcome,
    as_held,
    by_the_deadline,
    is_fresh,
    kept_copies,
)
from backend.connectors.breaker import CallBatch
from backend.connectors.client import PLAIN_REASONS, ConnectorClient, ConnectorFailure, ConnectorTarget
from backend.connectors.contract import EntitlementsResponse
from backend.connectors.page import page_of
from backend.connectors.schemas import ActiveConnector, ConnectorRow, EntitlementsPage, Said
from backend.connectors.targets import target_from_row
from backend.core.crypto import NationalIdCipher
from backend.core.dates import THAILAND, age_on
from backend.core.db import Pool
from backend.core.errors import ServiceUnavailable
from backend.core.shared import LocalCopy, Shared
from backend.core.tasks import TaskKind, dispatch

if TYPE_CHECKING:
    from saq.queue.base import Queue

CONNECTORS_TOPIC = "connectors"
_BUSY_RETRY_AFTER_SECONDS = 5
DEADLINE_PASSED = Said("หน่วยงานตอบไม่ทันเวลาที่หน้านี้รอได้", "the page's deadline passed")


class NewlyEligible(msgspec.Struct, frozen=True):
    citizen_id: uuid.UUID
    connector_id: int
    scheme_id: str


NEWLY_ELIGIBLE_TASK = TaskKind("entitlements.newly_eligible", NewlyEligible)
"""Tell a citizen of a scheme they newly may claim; handled by ``notifications.tasks``."""


@dataclass(frozen=True, slots=True)
class _Call:
    """One call made to an agency during a page: what the data-access record and cache need."""

    row: ActiveConnector
    outcome: str
    detail: Said | None
    answer: EntitlementsResponse | None
    at: float = field(default_factory=time.time)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who caused the calls: the citizen themself, a staff member, or the system."""

    kind: Literal["citizen", "staff", "system"]
    id: uuid.UUID | None


def relevant_to(row: ActiveConnector, age: int | None) -> bool:
    """A connector that names an age range is asked only about citizens in it; when the citizen's age
    is unknown it is asked (leaving someone out would hide what they may be owed)."""
    if age is None:
        return True
    young_enough = row.max_age is None or age <= row.max_age
    return young_enough and (row.min_age is None or age >= row.min_age)


def provide_entitlements(state: State) -> EntitlementsService:
    service: EntitlementsService = state.entitlements
    return service


class EntitlementsService:
    def __init__(
        self,
        pool: Pool,
        queue: Queue,
        client: ConnectorClient,
        cipher: NationalIdCipher,
        shared: Shared,
        *,
        deadline_seconds: float,
        refresh_cooldown_seconds: int = 60,
        max_fanouts: int = 64,
    ) -> None:
        self._pool = pool
        self._queue = queue
        self._client = client
        self._answers = AnswerStore(client.redis)
        self._cipher = cipher
        self.deadline_seconds = deadline_seconds
        self.refresh_cooldown_seconds = refresh_cooldown_seconds
        self.max_fanouts = max_fanouts
        self.fanouts = 0
        """Pages of this process asking agencies now (admission: ``max_fanouts``)."""
        self._refreshing: set[asyncio.Task[None]] = set()
        self._shared = shared
        self._connectors: LocalCopy[list[ActiveConnector]] = shared.copy(CONNECTORS_TOPIC)
        self._targets: dict[int, tuple[ActiveConnector, ConnectorTarget]] = {}

    async def _active_connectors(self) -> list[ActiveConnector]:
        """The list changes only when an agency registers, changes or disables a connector: kept in
        this process until then (``backend.core.shared``)."""
        return await self._connectors.get_or_read(lambda: queries.active_connectors(self._pool))

    async def connectors_changed(self) -> None:
        """Every process reads the connectors again (call after the change has committed)."""
        await self._shared.changed(CONNECTORS_TOPIC)

    def forget_connectors(self) -> None:
        """This process reads them, and their breakers, again (tests that change them directly)."""
        self._connectors.drop()
        self._client.breaker.forget()

    async def circuit(self, connector_id: int) -> str:
        """The connector's circuit breaker, as every replica sees it: closed, open or half-open."""
        return await self._client.breaker.state(connector_id)

    async def probe(self, row: ConnectorRow, national_id: str, request_id: str) -> EntitlementsResponse:
        """One call to the connector for a national ID its agency supplies (a test from the console):
        made even while the breaker is open, neither cached nor kept as the citizen's answer."""
        target = target_from_row(row, self._cipher)
        return await self._client.entitlements(target, national_id, row.purpose_en, request_id, probe=True)

    async def latencies_ms(self, connector_id: int) -> list[int]:
        return await self._client.latencies_ms(connector_id)

    def prefetch_keys(self, citizen_id: uuid.UUID) -> list[str]:
        """The keys a page reads of the citizen's, for every active connector this process holds (none
        before it has read them): the authentication middleware reads them with the session."""
        connectors = self._connectors.get()
        return self._answers.keys(connectors, citizen_id) if connectors else []

    async def for_citizen(
        self,
        *,
        citizen_id: uuid.UUID,
        national_id: Callable[[], str],
        birthdate: dt.date | None,
        language: str,
        caller: Caller,
        refresh: bool = False,
        prefetched: Mapping[str, bytes | None] | None = None,
    ) -> EntitlementsPage:
        """``prefetched``: the citizen's keys read with their session (``prefetch_keys``);
        ``national_id`` is called only when an agency is asked (a page of copies decrypts nothing)."""
        age = age_on(birthdate, dt.datetime.now(THAILAND).date()) if birthdate else None  # age in Thailand
        connectors = [row for row in await self._active_connectors() if relevant_to(row, age)]
        needs_consent = any(row.consent_required for row in connectors)
        consents = await queries.live_consents(self._pool, citizen_id) if needs_consent else {}
        cached, holds = (
            await self._answers.read(connectors, citizen_id, prefetched or {}) if connectors else ({}, {})
        )
        now = time.time()
        cached |= await kept_copies(
            self._pool, citizen_id, [row for row in connectors if row.id not in cached], consents, now
        )
        wanted = [  # what would reach an agency: a refresh, or a copy stale or missing
            row.id
            for row in connectors
            if not (row.consent_required and row.id not in consents)
            and (refresh or (copy := cached.get(row.id)) is None or not is_fresh(copy, row, now))
        ]
        if wanted and self.fanouts >= self.max_fanouts:
            # At capacity: what we hold, marked as such, or come back shortly; no agency is asked and
            # no claim is taken, so the next request after the rush asks as usual.
            if any(cached.get(key) is None for key in wanted):
                raise ServiceUnavailable(
                    "Many people are checking their entitlements right now. Please try again shortly.",
                    headers={"Retry-After": str(_BUSY_RETRY_AFTER_SECONDS)},
                )
            wanted = []
            busy = True
        else:
            busy = False
        # Before any claim: an ID that cannot be read fails the page with no hold left behind.
        the_id = national_id() if wanted else ""
        claimed = await self._answers.claim(wanted, holds, citizen_id, self.refresh_cooldown_seconds)
        request_id = uuid.uuid4().hex if claimed else ""  # only calls made now carry it
        outcomes: dict[int, Outcome] = {}
        tasks: dict[int, asyncio.Task[Outcome]] = {}
        asked: list[tuple[ActiveConnector, Cached | None]] = []
        in_background: list[ActiveConnector] = []
        for row in connectors:
            copy, hold = cached.get(row.id), holds.get(row.id)
            if row.consent_required and row.id not in consents:
                outcomes[row.id] = ("unavailable", None, None, "consent")
            elif row.id not in claimed and copy is None and hold is not None and hold.failed is None:
                # being asked by another of the citizen's requests this moment: its answer, not a call
                tasks[row.id] = asyncio.create_task(
                    self._answers.await_copy(row, citizen_id, self.deadline_seconds)
                )
            elif busy and copy is not None and not is_fresh(copy, row, now):
                outcomes[row.id] = ("stale", copy.fetched_at, copy.answer, "busy")
            elif row.id not in claimed:  # a fresh copy, or asked within the cool-down: what we have
                outcomes[row.id] = as_held(copy, row, hold)
            elif copy and not refresh:
                in_background.append(row)
                outcomes[row.id] = ("stale", copy.fetched_at, copy.answer, "refreshing")
            else:
                asked.append((row, copy))
        if in_background:
            self._refresh_in_background(in_background, citizen_id, the_id, caller, request_id)
        if tasks or asked:
            outcomes |= await self._fan_out(
                asked, tasks, cached, claimed, holds, citizen_id, the_id, caller, request_id
            )
        return page_of(connectors, outcomes, language, consents, holds)

    async def _fan_out(
        self,
        asked: list[tuple[ActiveConnector, Cached | None]],
        tasks: dict[int, asyncio.Task[Outcome]],
        cached: dict[int, Cached],
        claimed: set[int],
        holds: dict[int, Hold],
        citizen_id: uuid.UUID,
        national_id: str,
        caller: Caller,
        request_id: str,
    ) -> dict[int, Outcome]:
        """The outcomes of ``asked`` (a call each) and of ``tasks`` (another request's calls awaited), by
        the page's deadline, and everything the calls lead to kept."""
        self.fanouts += 1
        try:
            calls: list[_Call] = []
            batch = CallBatch(await self._client.breaker.readings([row.id for row, _ in asked]))
            for row, copy in asked:  # only what must reach an agency costs a task
                tasks[row.id] = asyncio.create_task(
                    self._ask(row, national_id, request_id, copy, calls, batch)
                )
            outcomes = await by_the_deadline(tasks, cached, self.deadline_seconds)
            failed = {
                key: why
                for key in claimed & tasks.keys()
                if (why := outcomes[key][3]) and outcomes[key][0] != "fresh"
            }
            await self._keep(calls, citizen_id, caller, batch, failed, holds)
        finally:
            self.fanouts -= 1
        return outcomes

    async def _ask(
        self,
        row: ActiveConnector,
        national_id: str,
        request_id: str,
        copy: Cached | None,
        calls: list[_Call],
        batch: CallBatch,
    ) -> Outcome:
        try:
            answer = await self._call(row, national_id, request_id, calls, batch)
        except ConnectorFailure as failure:
            if copy:
                return ("stale", copy.fetched_at, copy.answer, failure.kind)
            return ("unavailable", None, None, failure.kind)
        return ("fresh", time.time(), answer, None)

    def _target(self, row: ActiveConnector) -> ConnectorTarget:
        """Made once per row this process holds (a changed connector is a new row)."""
        held = self._targets.get(row.id)
        if held is None or held[0] is not row:
            held = self._targets[row.id] = (row, target_from_row(row, self._cipher))
        return held[1]

    async def _call(
        self, row: ActiveConnector, national_id: str, request_id: str, calls: list[_Call], batch: CallBatch
    ) -> EntitlementsResponse:
        """Ask the agency, noting the call in ``calls``; what it leads to is kept by ``_keep``."""
        target = self._target(row)
        try:
            answer = await self._client.entitlements(
                target, national_id, row.purpose_en, request_id, batch=batch
            )
        except ConnectorFailure as failure:
            if failure.kind != "breaker_open":  # an open breaker means no call reached the agency
                outcome = {"timeout": "timeout", "refused_destination": "refused"}.get(failure.kind, "failed")
                calls.append(_Call(row, outcome, Said(*PLAIN_REASONS[failure.kind]), None))
            raise
        except asyncio.CancelledError:  # the page's deadline passed while the agency was being asked
            calls.append(_Call(row, "timeout", DEADLINE_PASSED, None))
            raise
        calls.append(_Call(row, "ok", None, answer))
        return answer

    async def _keep(
        self,
        calls: list[_Call],
        citizen_id: uuid.UUID,
        caller: Caller,
        batch: CallBatch,
        failed: Mapping[int, str] | None = None,
        holds: Mapping[int, Hold] | None = None,
    ) -> None:
        """Everything the calls of one page lead to, before the page is answered: in one statement, a
        data-access record per call, the answers kept with their statuses, and a task telling the
        citizen of a scheme they newly may claim (queued once written); then, in one Redis round trip,
        the answers cached, why each ``failed`` call brought none (on its hold) and what the calls
        taught the breakers (``batch``)."""
        answered = [(call.row, call.at, call.answer) for call in calls if call.answer is not None]
        if calls:
            told = await page_queries.keep_calls(
                self._pool,
                citizen_id=citizen_id,
                actor_kind=caller.kind,
                actor_id=None if caller.id is None else str(caller.id),
                calls=[(call.row, call.outcome, call.detail) for call in calls],
                answered=answered,
                newly_eligible=NEWLY_ELIGIBLE_TASK,
            )
            await dispatch(self._queue, told)
        async with self._client.redis.pipeline(transaction=False) as pipe:
            AnswerStore.keep(pipe, answered, citizen_id)
            if failed and holds is not None:
                AnswerStore.note_failures(pipe, failed, holds, citizen_id, self.refresh_cooldown_seconds)
            self._client.breaker.note(pipe, batch)
            if len(pipe):
                await pipe.execute()

    def _refresh_in_background(
        self,
        rows: list[ActiveConnector],
        citizen_id: uuid.UUID,
        national_id: str,
        caller: Caller,
        request_id: str,
    ) -> None:
        async def refresh() -> None:
            calls: list[_Call] = []
            batch = CallBatch(await self._client.breaker.readings([row.id for row in rows]))

            async def call(row: ActiveConnector) -> None:
                with contextlib.suppress(ConnectorFailure):  # the stale copy stays; the failure is recorded
                    await self._call(row, national_id, request_id, calls, batch)

            await asyncio.gather(*(call(row) for row in rows))
            await self._keep(calls, citizen_id, caller, batch)

        task = asyncio.create_task(refresh())
        self._refreshing.add(task)
        task.add_done_callback(self._refreshing.discard)

    async def settle(self) -> None:
        """Wait for background refreshes (shutdown and tests)."""
        if self._refreshing:
            await asyncio.gather(*self._refreshing, return_exceptions=True)
