"""Save, then queue: background work that must never be lost or done twice.

The pattern every feature uses:

1. In the transaction that makes a business change, ``add_task(conn, KIND, payload)`` writes a
   ``task_outbox`` row. Nothing is queued yet, so a rolled-back change queues nothing. A ``TaskKind``
   pairs a task's name with the msgspec Struct its payload is (stored as JSON), so a wrong payload is a
   type error.
2. After commit, ``dispatch(queue, task_ids)`` enqueues one SAQ job per row (job key ``task:<id>``: a
   second enqueue is a no-op), in one Redis round trip. ``UnitOfWork`` does 1 and 2 for you (and
   sends its ``notices`` after commit). If Redis is down then, the row waits for the sweeper.
3. The worker's ``run_task`` first claims the row (counting the attempt, with a lease, committed),
   then locks it (``FOR UPDATE``), runs the kind's handler (from the ``TaskRegistry`` the composition
   root, ``backend.server.tasks``, builds) with the decoded payload in that transaction and marks the
   row done, so the handler's own writes and "done" commit together: exactly once for database
   effects, at least once for calls to the outside world.
4. ``sweep_tasks`` (a SAQ cron job) re-enqueues pending rows whose job was lost.

Retries are kept in PostgreSQL (``attempts``, ``run_after`` with exponential back-off) rather than in
SAQ, so they survive a Redis restart like everything else. A run that lost a deadlock or serialization
conflict is retried within seconds, up to twice the task's attempts (a push may go again each time)."""

from __future__ import annotations

import math
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import asyncpg
import msgspec
import structlog

from backend.core.db import Connection, Pool
from backend.core.enqueue import JobSpec, enqueue_tasks
from backend.core.notices import announce

if TYPE_CHECKING:
    from saq.queue.base import Queue

    from backend.core.resources import Resources

_log = structlog.get_logger(__name__)

RUN_TASK_JOB = "run_task"
_BACKOFF_BASE_SECONDS = 5
_BACKOFF_MAX_SECONDS = 3600
_SWEEP_BATCH = 1000
_DEFAULT_MAX_ATTEMPTS = 8
_ROLLBACK: type[Exception] = asyncpg.exceptions.TransactionRollbackError  # a lost deadlock or serialization
_LOST_CONFLICT = [f"{kind.__name__}:%" for kind in [_ROLLBACK, *_ROLLBACK.__subclasses__()]]
JOB_TIMEOUT_SECONDS = 300
"""SAQ's time limit for one job; the claim's lease is the TASK_LEASE_SECONDS setting."""


@dataclass(frozen=True, slots=True)
class TaskContext:
    """What a handler gets: the connection holding the task's transaction, and shared resources."""

    connection: Connection
    resources: Resources
    task_id: int
    attempt: int
    work: UnitOfWork
    """Tasks a handler adds here are queued once its transaction commits (``ctx.work.add_task``)."""


P = TypeVar("P", bound=msgspec.Struct)
_TASK_NAME = re.compile(r"[a-z][a-z0-9_.]*")  # as the table's CHECK says


@dataclass(frozen=True, slots=True)
class TaskKind(Generic[P]):
    """A kind of task. ``name`` is stored in each ``task_outbox`` row (renaming a kind strands the rows
    queued under the old name); ``payload`` is the Struct a row's JSON payload decodes to; ``retry_delays``
    (seconds) replaces the default exponential back-off, and then also sets how many attempts there are."""

    name: str
    payload: type[P]
    retry_delays: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not _TASK_NAME.fullmatch(self.name):
            raise ValueError(f"Task name {self.name!r} must match {_TASK_NAME.pattern}")

    @property
    def max_attempts(self) -> int:
        return len(self.retry_delays) + 1 if self.retry_delays else _DEFAULT_MAX_ATTEMPTS


@dataclass(frozen=True, slots=True)
class Handles(Generic[P]):
    """``handler`` runs tasks of ``kind``, getting their decoded payload (type-checked as a pair)."""

    kind: TaskKind[P]
    handler: Callable[[TaskContext, P], Awaitable[None]]


class TaskRegistry:
    """Which handler runs each kind of task: built once by the composition root (``backend.server.tasks``),
    held in each process's ``Resources`` (the worker's, and a test's that runs a task in place)."""

    def __init__(self, *entries: Handles[Any]) -> None:
        self._entries: dict[str, Handles[Any]] = {}
        for entry in entries:
            if entry.kind.name in self._entries:
                raise ValueError(f"Task {entry.kind.name!r} has two handlers")
            self._entries[entry.kind.name] = entry

    def names(self) -> list[str]:
        return sorted(self._entries)

    def get(self, name: str) -> Handles[Any] | None:
        return self._entries.get(name)


class RetryLater(Exception):
    """A handler's way to say "try again, not before ``seconds``" (e.g. a service's Retry-After)."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


def _encoded(connection: Connection, kind: TaskKind[P], payload: P) -> str:
    """The payload as JSON text (sent as text and cast in SQL, so no connection codec is involved)."""
    if type(payload) is not kind.payload:
        raise TypeError(f"Task {kind.name!r} takes a {kind.payload.__name__}, not {type(payload).__name__}")
    if not connection.is_in_transaction():
        raise RuntimeError("add_task must run inside the transaction of the change it belongs to")
    return msgspec.json.encode(payload).decode()


class OutboxRow(msgspec.Struct, frozen=True):
    """``add_task``'s row, for a statement that writes it with the change it belongs to (one round trip,
    not two; ``run_after`` now()), then gives its id to ``UnitOfWork.queue_after_commit``."""

    name: str
    payload: str
    max_attempts: int


def outbox_row(connection: Connection, kind: TaskKind[P], payload: P) -> OutboxRow:
    return OutboxRow(kind.name, _encoded(connection, kind, payload), kind.max_attempts)


async def add_task(
    connection: Connection,
    kind: TaskKind[P],
    payload: P,
    *,
    run_after: datetime | None = None,
    max_attempts: int | None = None,
) -> int:
    """Record a task in the caller's open transaction and return its id."""
    task_id: int = await connection.fetchval(
        """
        INSERT INTO task_outbox (task, payload, run_after, max_attempts)
        VALUES ($1, $2::text::jsonb, coalesce($3, now()), $4)
        RETURNING id
        """,
        kind.name,
        _encoded(connection, kind, payload),
        run_after,
        kind.max_attempts if max_attempts is None else max_attempts,
    )
    return task_id


async def add_tasks(
    connection: Connection, kind: TaskKind[P], items: Sequence[tuple[P, datetime | None]]
) -> list[tuple[int, datetime | None]]:
    """Record many tasks (payload, run after) in one statement per kind of timing (now, or later);
    returns (task id, run after) for each."""
    added: list[tuple[int, datetime | None]] = []
    now = [(_encoded(connection, kind, payload), None) for payload, when in items if when is None]
    later = [(_encoded(connection, kind, payload), when) for payload, when in items if when is not None]
    for group, scheduled in ((now, False), (later, True)):
        if not group:
            continue
        rows = await connection.fetch(
            """
            INSERT INTO task_outbox (task, payload, run_after, max_attempts)
            SELECT $1, payload::jsonb, coalesce(run_after, now()), $4
            FROM unnest($2::text[], $3::timestamptz[]) AS items(payload, run_after)
            RETURNING id, run_after
            """,
            kind.name,
            [payload for payload, _ in group],
            [when for _, when in group],
            kind.max_attempts,
        )
        added += [(row["id"], row["run_after"] if scheduled else None) for row in rows]
    return added


def _job(task_id: int, scheduled: float, key_suffix: str = "") -> JobSpec:
    key, when = f"task:{task_id}{key_suffix}", math.ceil(scheduled)  # never before run_after (the claim)
    return JobSpec(RUN_TASK_JOB, {"task_id": task_id}, key=key, timeout=JOB_TIMEOUT_SECONDS, scheduled=when)


async def dispatch(
    queue: Queue, task_ids: Iterable[int], *, scheduled: float = 0, key_suffix: str = ""
) -> None:
    """Enqueue jobs for committed task rows. Never raises: a lost enqueue is the sweeper's job."""
    await enqueue_tasks([_job(task_id, scheduled, key_suffix) for task_id in task_ids], queue)


@dataclass(slots=True)
class UnitOfWork:
    connection: Connection
    pool: Pool | None = None
    """The pool the connection came from: which app's or worker's resources this work runs on."""
    task_ids: list[int] = field(default_factory=list)
    scheduled: list[tuple[int, float]] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)
    """(channel, payload) to NOTIFY once committed (``backend.core.notices.announce``)."""

    async def add_task(self, kind: TaskKind[P], payload: P, *, run_after: datetime | None = None) -> int:
        task_id = await add_task(self.connection, kind, payload, run_after=run_after)
        self.queue_after_commit(task_id, run_after)
        return task_id

    async def add_tasks(self, kind: TaskKind[P], items: Sequence[tuple[P, datetime | None]]) -> None:
        for task_id, when in await add_tasks(self.connection, kind, items):
            self.queue_after_commit(task_id, when)

    def queue_after_commit(self, task_id: int, run_after: datetime | None = None) -> None:
        """Queue a task row this work's transaction wrote once it commits."""
        if run_after is None:
            self.task_ids.append(task_id)
        else:
            self.scheduled.append((task_id, run_after.timestamp()))


@asynccontextmanager
async def unit_of_work(pool: Pool, queue: Queue) -> AsyncIterator[UnitOfWork]:
    """One transaction; its tasks are queued only after it commits."""
    async with pool.acquire() as connection:
        async with connection.transaction():
            work = UnitOfWork(connection, pool)
            yield work
        await announce(connection, work.notices)
    await _dispatch_work(queue, work)


async def _dispatch_work(queue: Queue, work: UnitOfWork) -> None:
    await enqueue_tasks(
        [_job(id_, 0) for id_ in work.task_ids] + [_job(*item) for item in work.scheduled], queue
    )


async def run_task(resources: Resources, task_id: int) -> str:
    """Run one task row; returns what happened (for the job result and tests)."""
    # The claim commits on its own: the attempt counts even if this run is cancelled, times out or
    # its process dies, and nobody else takes the row until the lease ends (then the sweeper does).
    row = await resources.pool.fetchrow(
        """
        UPDATE task_outbox SET attempts = attempts + 1, run_after = now() + make_interval(secs => $2)
        WHERE id = $1 AND state = 'pending' AND run_after <= now()
        RETURNING id, task, payload::text AS payload, attempts, max_attempts,
                  coalesce(last_error LIKE ANY($3::text[]), false) AS lost_conflict
        """,
        task_id,
        float(resources.settings.task_lease_seconds),
        _LOST_CONFLICT,
    )
    if row is None:
        return "skipped"  # done already, not yet due, or another worker holds it
    attempt = row["attempts"]
    if attempt > row["max_attempts"] * (2 if row["lost_conflict"] else 1):  # the last ones never finished
        await resources.pool.execute(
            "UPDATE task_outbox SET state = 'failed', finished_at = now(), "
            "last_error = coalesce(last_error, 'every attempt timed out or was interrupted') WHERE id = $1",
            task_id,
        )
        _log.error(
            "task_failed", task_id=task_id, task=row["task"], attempts=attempt - 1, error="interrupted"
        )
        return "failed"
    async with resources.pool.acquire() as connection, connection.transaction():
        locked = await connection.fetchval(
            # Wait, do not skip: the row is ours by the claim, and a competing claim that lost may
            # still hold the row lock for an instant while it re-checks.
            "SELECT 1 FROM task_outbox WHERE id = $1 AND state = 'pending' FOR UPDATE",
            task_id,
        )
        if locked is None:
            return "skipped"
        entry = resources.tasks.get(row["task"])
        work = UnitOfWork(connection, resources.pool)
        try:
            if entry is None:
                raise LookupError(f"no handler registered for task {row['task']!r}")
            payload = msgspec.json.decode(row["payload"], type=entry.kind.payload)
            async with connection.transaction():  # a savepoint: a failing handler leaves no writes
                await entry.handler(TaskContext(connection, resources, task_id, attempt, work), payload)
        except Exception as exc:
            schedule = entry.kind.retry_delays if entry else ()
            return await _record_failure(resources.queue, connection, row, attempt, exc, schedule)
        await connection.execute(
            "UPDATE task_outbox SET state = 'done', finished_at = now(), last_error = NULL WHERE id = $1",
            task_id,
        )
    await announce(resources.pool, work.notices)
    await _dispatch_work(resources.queue, work)
    return "done"


async def _record_failure(
    queue: Queue,
    connection: Connection,
    row: Any,
    attempt: int,
    exc: Exception,
    schedule: tuple[int, ...],
) -> str:
    error = f"{type(exc).__name__}: {exc}"[:1000]
    conflict = isinstance(exc, _ROLLBACK)  # as many attempts again, soon
    if attempt >= row["max_attempts"] * (2 if conflict else 1):
        await connection.execute(
            "UPDATE task_outbox SET state = 'failed', finished_at = now(), last_error = $2 WHERE id = $1",
            row["id"],
            error,
        )
        _log.error("task_failed", task_id=row["id"], task=row["task"], attempts=attempt, error=error)
        return "failed"
    backoff = min(_BACKOFF_BASE_SECONDS * 2 ** (attempt - 1), _BACKOFF_MAX_SECONDS)
    delay: float = schedule[attempt - 1] if attempt <= len(schedule) else backoff
    if isinstance(exc, RetryLater):
        delay = max(delay, min(exc.seconds, _BACKOFF_MAX_SECONDS))
    delay = min(delay, _BACKOFF_BASE_SECONDS) if conflict else delay
    await connection.execute(
        "UPDATE task_outbox SET run_after = now() + make_interval(secs => $2), last_error = $3 WHERE id = $1",
        *(row["id"], float(delay), error),
    )
    _log.warning("task_retry_scheduled", task_id=row["id"], task=row["task"], attempt=attempt, error=error)
    # Its own key: the job running now still holds ``task:<id>``. It is due after this commit.
    await dispatch(queue, [row["id"]], scheduled=time.time() + delay, key_suffix=f":{attempt}")
    return "retry"


async def sweep_tasks(resources: Resources, older_than_seconds: float) -> int:
    """Re-enqueue pending tasks that have been due for a while; returns how many it found."""
    rows = await resources.pool.fetch(
        """
        SELECT id FROM task_outbox
        WHERE state = 'pending' AND run_after <= now() - make_interval(secs => $1)
        ORDER BY run_after
        LIMIT $2
        """,
        float(older_than_seconds),
        _SWEEP_BATCH,
    )
    task_ids = [row["id"] for row in rows]
    if task_ids:
        _log.info("tasks_swept", count=len(task_ids))
        # A key of its own: the lost job's key may linger in Redis (a killed worker's active job, a
        # finished job kept for a while) and would make SAQ drop a re-enqueue under the same key.
        await dispatch(resources.queue, task_ids, key_suffix=f":swept:{time.time_ns()}")
    return len(task_ids)


async def prune_finished_tasks(pool: Pool, done_days: int, batch: int = 5000) -> int:
    """Delete tasks done more than ``done_days`` ago (failed ones after ten times that), in batches so
    that no transaction grows large; returns how many went."""
    deleted = 0
    while True:
        count: int = await pool.fetchval(
            """
            WITH old AS (
                SELECT id FROM task_outbox
                WHERE state <> 'pending' AND finished_at < now() - make_interval(days => $1)
                  AND (state = 'done' OR finished_at < now() - make_interval(days => $1 * 10))
                LIMIT $2
            ), gone AS (DELETE FROM task_outbox t USING old WHERE t.id = old.id RETURNING 1)
            SELECT count(*) FROM gone
            """,
            done_days,
            batch,
        )
        deleted += count
        if count < batch:
            return deleted


async def pending_task_count(pool: Pool) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM task_outbox WHERE state = 'pending'")
    return count
