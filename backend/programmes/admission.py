"""Letting people in: each second the worker admits the next people waiting in each open programme, in
ticket order, as many as its rate allows since it last did (at most ``MAX_BURST_SECONDS`` worth, so a
worker that was down does not flood the agency). The admissions and a task to tell those people are
written in one transaction; the task, run after commit, writes each person's inbox message and push
(save, then queue: a lost queue entry is found again by the sweeper, a retried one writes no double)."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.dates import THAILAND
from backend.core.resources import Resources
from backend.core.tasks import TaskContext, TaskKind, unit_of_work
from backend.programmes import line, queries
from backend.programmes.schemas import PlaceRow
from notifications.platform import send_from_platform

MAX_BURST_SECONDS = 2.0
TELL_BATCH = 200  # people one "your turn" task writes to: a short transaction, spread over the workers
# Urgent in the platform's reserved "turns": the push passes quiet hours, as the window will not wait.
CATEGORY = "turns"


class AdmittedBatch(msgspec.Struct, frozen=True):
    programme_id: uuid.UUID
    first_ticket: int
    last_ticket: int


TELL_ADMITTED_TASK = TaskKind("programmes.tell_admitted", AdmittedBatch, retry_delays=(5, 30, 120))


async def admit_all(resources: Resources, now: dt.datetime | None = None) -> int:
    """One tick over every open programme with people waiting; how many were let in."""
    now = now or dt.datetime.now(dt.UTC)
    admitted = 0
    for programme_id in await queries.programmes_to_admit(resources.pool, now):
        admitted += await admit(resources, programme_id, now)
    return admitted


async def admit(resources: Resources, programme_id: uuid.UUID, now: dt.datetime) -> int:
    async with unit_of_work(resources.pool, resources.queue) as work:
        # SKIP LOCKED: another worker's tick holds this programme; it admits for both.
        row = await queries.programme(work.connection, programme_id, lock=True)
        if row is None or now < row.opens_at:
            return 0
        burst = dt.timedelta(seconds=MAX_BURST_SECONDS)
        since = max(row.last_admitted_at or row.opens_at, row.opens_at, now - burst)
        allowance = int((now - since).total_seconds() * row.admit_per_second)
        if allowance < 1:
            return 0
        window = dt.timedelta(seconds=row.admission_window_seconds)
        admitted = await queries.admit_next(work.connection, programme_id, allowance, now, window)
        through = admitted[-1].ticket if admitted else row.admitted_through
        # Counted as used: the time those admitted stood for, so a fraction of a person carries over to
        # the next tick; or all of it, when nobody else was waiting.
        used = since + dt.timedelta(seconds=allowance / row.admit_per_second)
        await queries.mark_admitted(
            work.connection, programme_id, through, used if len(admitted) == allowance else now
        )
        for start in range(0, len(admitted), TELL_BATCH):
            chunk = admitted[start : start + TELL_BATCH]
            await work.add_task(
                TELL_ADMITTED_TASK, AdmittedBatch(programme_id, chunk[0].ticket, chunk[-1].ticket)
            )
    # After commit: the caches polls read (a lost write only sends those polls to PostgreSQL), and the
    # ticket counter kept above every ticket held, should Redis have come back from an older snapshot.
    await line.seed_counter(resources.redis, resources.pool, programme_id)
    stored = await queries.programme(resources.pool, programme_id)
    if stored is not None:
        await line.keep_line(resources.redis, programme_id, await line.build(resources.pool, stored, now))
    await line.keep_places(
        resources.redis,
        programme_id,
        {a.citizen_id: PlaceRow(ticket=a.ticket, admitted_until=a.admitted_until) for a in admitted},
    )
    return len(admitted)


def _clock(moment: dt.datetime) -> str:
    return moment.astimezone(THAILAND).strftime("%H:%M")


async def tell_admitted(ctx: TaskContext, batch: AdmittedBatch) -> None:
    """Each person of the batch: "it's your turn, register before HH:MM" in the inbox and as a push."""
    programme = await queries.programme(ctx.connection, batch.programme_id, suspended_too=True)
    if programme is None:
        return
    for person in await queries.admitted_between(
        ctx.connection, batch.programme_id, batch.first_ticket, batch.last_ticket
    ):
        until = _clock(person.admitted_until)
        await send_from_platform(
            ctx.work,
            citizen_id=person.citizen_id,
            category=CATEGORY,
            texts={
                "title_th": f"ถึงคิวของคุณแล้ว: {programme.name_th}",
                "title_en": f"It's your turn: {programme.name_en}",
                "body_th": f"กรุณาลงทะเบียนก่อนเวลา {until} น. หลังจากนั้นคิวของคุณจะหมดสิทธิ์",
                "body_en": f"Please register before {until} (Thailand time). After that your place lapses.",
            },
            url=f"/programmes/{batch.programme_id}",
            idempotency_key=f"programme-turn:{batch.programme_id}:{person.ticket}",  # a rejoin: a new turn
            urgency="high",
            # Not kept for a phone that is off past the window (0: now or never, a task retried after
            # it): switched on later, the phone finds the message in the inbox instead.
            ttl_seconds=max(0, int((person.admitted_until - dt.datetime.now(dt.UTC)).total_seconds())),
        )
