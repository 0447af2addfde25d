"""Save, then queue: tasks are never lost and never done twice."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import math
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import msgspec
import pytest

from backend.core.resources import REDIS_DOWN_PAUSE_SECONDS, Resources, open_resources
from backend.core.tasks import (
    Handles,
    TaskContext,
    TaskKind,
    TaskRegistry,
    add_task,
    add_tasks,
    prune_finished_tasks,
    run_task,
    sweep_tasks,
    unit_of_work,
)
from backend.server.tasks import TASKS
from backend.server.worker import build_worker
from backend.settings import Settings, load_settings
from tests.conftest import environment_for_tests
from tests.factories import make_agency

_NOBODY = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class AgencyRef(msgspec.Struct, frozen=True):
    agency_id: int


class OtherRef(msgspec.Struct, frozen=True):
    other_id: int


async def approve_agency(ctx: TaskContext, ref: AgencyRef) -> None:
    await ctx.connection.execute(
        "UPDATE agencies SET status = 'approved', name_en = name_en || '!' WHERE id = $1", ref.agency_id
    )


async def suspend_then_fail(ctx: TaskContext, ref: AgencyRef) -> None:
    await ctx.connection.execute("UPDATE agencies SET status = 'suspended' WHERE id = $1", ref.agency_id)
    raise RuntimeError("the agency's system said no")


async def suspend_then_lose_a_deadlock(ctx: TaskContext, ref: AgencyRef) -> None:
    await ctx.connection.execute("UPDATE agencies SET status = 'suspended' WHERE id = $1", ref.agency_id)
    raise asyncpg.exceptions.DeadlockDetectedError("deadlock detected")


async def slow_approval(ctx: TaskContext, ref: AgencyRef) -> None:
    await ctx.connection.execute("UPDATE agencies SET status = 'approved' WHERE id = $1", ref.agency_id)
    await asyncio.sleep(30)


APPROVE = TaskKind("tests.approve_agency", AgencyRef)
SUSPEND_THEN_FAIL = TaskKind("tests.suspend_then_fail", AgencyRef)
SLOW_APPROVAL = TaskKind("tests.slow_approval", AgencyRef)
DEADLOCKED = TaskKind("tests.deadlocked", AgencyRef)
UNHANDLED = TaskKind("tests.unhandled", AgencyRef)
TEST_TASKS = TaskRegistry(
    Handles(APPROVE, approve_agency),
    Handles(SUSPEND_THEN_FAIL, suspend_then_fail),
    Handles(SLOW_APPROVAL, slow_approval),
    Handles(DEADLOCKED, suspend_then_lose_a_deadlock),
)


@pytest.fixture
def resources(resources: Resources) -> Resources:
    """The app's resources, with this module's kinds of task in place of the app's."""
    return dataclasses.replace(resources, tasks=TEST_TASKS)


async def _task_row(resources: Resources, task_id: int) -> dict[str, object]:
    row = await resources.pool.fetchrow(
        "SELECT state, attempts, last_error, finished_at, run_after > now() AS later FROM task_outbox "
        "WHERE id = $1",
        task_id,
    )
    assert row is not None
    return dict(row)


async def _agency(resources: Resources, agency_id: int) -> tuple[str, str]:
    row = await resources.pool.fetchrow("SELECT status, name_en FROM agencies WHERE id = $1", agency_id)
    assert row is not None
    return row["status"], row["name_en"]


async def test_a_task_added_in_a_rolled_back_transaction_leaves_nothing_to_run(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool)

    class Abort(Exception):
        pass

    async def change_then_abort() -> None:
        async with unit_of_work(resources.pool, resources.queue) as work:
            await work.add_task(APPROVE, AgencyRef(agency_id))
            raise Abort

    with pytest.raises(Abort):
        await change_then_abort()
    assert await resources.pool.fetchval("SELECT count(*) FROM task_outbox") == 0
    assert await resources.queue.count("queued") == 0


async def test_a_task_is_queued_only_after_its_transaction_commits(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool)
    async with unit_of_work(resources.pool, resources.queue) as work:
        task_id = await work.add_task(APPROVE, AgencyRef(agency_id))
        assert await resources.queue.job(f"task:{task_id}") is None
    job = await resources.queue.job(f"task:{task_id}")
    assert job is not None
    assert job.function == "run_task"
    assert job.kwargs == {"task_id": task_id}  # the job carries the id, nothing else


async def test_a_task_runs_exactly_once_even_when_started_concurrently(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool, name_en="Water")
    async with unit_of_work(resources.pool, resources.queue) as work:
        task_id = await work.add_task(APPROVE, AgencyRef(agency_id))
    outcomes = await asyncio.gather(*(run_task(resources, task_id) for _ in range(5)))
    outcomes.append(await run_task(resources, task_id))
    assert outcomes.count("done") == 1
    assert outcomes.count("skipped") == 5
    assert await _agency(resources, agency_id) == ("approved", "Water!")
    row = await _task_row(resources, task_id)
    assert row["state"] == "done"
    assert row["attempts"] == 1


async def test_a_failing_task_keeps_none_of_its_writes_and_is_retried_later(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    async with unit_of_work(resources.pool, resources.queue) as work:
        task_id = await work.add_task(SUSPEND_THEN_FAIL, AgencyRef(agency_id))
    assert await run_task(resources, task_id) == "retry"
    assert (await _agency(resources, agency_id))[0] == "approved"
    row = await _task_row(resources, task_id)
    assert row["state"] == "pending"
    assert row["attempts"] == 1
    assert row["later"] is True
    assert "the agency's system said no" in str(row["last_error"])
    retry = await resources.queue.job(f"task:{task_id}:1")
    assert retry is not None
    assert retry.scheduled > time.time()
    assert await run_task(resources, task_id) == "skipped"  # not due yet


async def test_a_task_that_keeps_failing_ends_failed_after_its_last_attempt(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool)
    async with resources.pool.acquire() as connection, connection.transaction():
        task_id = await add_task(connection, SUSPEND_THEN_FAIL, AgencyRef(agency_id), max_attempts=2)
    assert await run_task(resources, task_id) == "retry"
    await resources.pool.execute("UPDATE task_outbox SET run_after = now() WHERE id = $1", task_id)
    assert await run_task(resources, task_id) == "failed"
    row = await _task_row(resources, task_id)
    assert row["state"] == "failed"
    assert row["attempts"] == 2
    assert row["finished_at"] is not None


async def test_a_task_that_lost_a_deadlock_is_retried_soon_up_to_twice_its_attempts(
    resources: Resources,
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    async with resources.pool.acquire() as connection, connection.transaction():
        task_id = await add_task(connection, DEADLOCKED, AgencyRef(agency_id), max_attempts=2)
    assert await run_task(resources, task_id) == "retry"
    assert (await _agency(resources, agency_id))[0] == "approved"  # its writes rolled back
    row = await _task_row(resources, task_id)
    assert row["state"] == "pending"
    assert row["attempts"] == 1
    assert "DeadlockDetectedError" in str(row["last_error"])
    due_in = await resources.pool.fetchval(
        "SELECT extract(epoch FROM run_after - now()) FROM task_outbox WHERE id = $1", task_id
    )
    assert 0 < due_in <= 5
    # Past its last attempt it still runs (and loses again), rather than failing unrun, up to twice its
    # attempts: a conflict for ever would push to the same devices for ever.
    outcomes = []
    for _ in range(3):
        await resources.pool.execute("UPDATE task_outbox SET run_after = now() WHERE id = $1", task_id)
        outcomes.append(await run_task(resources, task_id))
    assert outcomes == ["retry", "retry", "failed"]
    assert (await _task_row(resources, task_id))["attempts"] == 4


async def test_a_lost_job_is_found_by_the_sweeper_and_run_by_a_real_worker(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool, name_en="Power")
    # Committed without a job, as if Redis had lost it, and due two minutes ago.
    async with resources.pool.acquire() as connection, connection.transaction():
        task_id = await add_task(connection, APPROVE, AgencyRef(agency_id))
        await connection.execute(
            "UPDATE task_outbox SET run_after = now() - interval '2 minutes' WHERE id = $1", task_id
        )
    worker = build_worker(resources)
    running = asyncio.create_task(worker.start())
    try:
        assert await sweep_tasks(resources, older_than_seconds=60) == 1
        for _ in range(200):
            if (await _task_row(resources, task_id))["state"] == "done":
                break
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()
        running.cancel()
    assert (await _task_row(resources, task_id))["state"] == "done"
    assert await _agency(resources, agency_id) == ("approved", "Power!")


async def test_the_sweeper_leaves_recent_and_finished_tasks_alone(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool)
    async with resources.pool.acquire() as connection, connection.transaction():
        recent = await add_task(connection, APPROVE, AgencyRef(agency_id))
        finished = await add_task(connection, APPROVE, AgencyRef(agency_id))
        await connection.execute(
            "UPDATE task_outbox SET state = 'done', finished_at = now(), "
            "run_after = now() - interval '1 hour' WHERE id = $1",
            finished,
        )
    assert await sweep_tasks(resources, older_than_seconds=60) == 0
    assert await resources.queue.job(f"task:{recent}") is None
    assert await resources.queue.job(f"task:{finished}") is None


async def test_retention_deletes_old_finished_tasks_and_keeps_failed_ones_ten_times_longer(
    resources: Resources,
) -> None:
    agency_id = await make_agency(resources.pool)
    ages = {"pending": None, "recent-done": 1, "old-done": 8, "old-failed": 8, "ancient-failed": 71}
    ids: dict[str, int] = {}
    async with resources.pool.acquire() as connection, connection.transaction():
        for name, days in ages.items():
            ids[name] = await add_task(connection, APPROVE, AgencyRef(agency_id))
            if days is not None:
                await connection.execute(
                    "UPDATE task_outbox SET state = $2, finished_at = now() - make_interval(days => $3) "
                    "WHERE id = $1",
                    ids[name],
                    "failed" if "failed" in name else "done",
                    days,
                )
    assert await prune_finished_tasks(resources.pool, done_days=7, batch=1) >= 2  # batches until done
    left = {row["id"] for row in await resources.pool.fetch("SELECT id FROM task_outbox")}
    kept = {name for name, task_id in ids.items() if task_id in left}
    assert kept == {"pending", "recent-done", "old-failed"}


async def test_a_task_needs_its_own_payload_and_an_open_transaction(resources: Resources) -> None:
    async with resources.pool.acquire() as connection:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            await add_task(connection, APPROVE, AgencyRef(1))
        async with connection.transaction():
            with pytest.raises(TypeError, match="takes a AgencyRef, not OtherRef"):
                await add_task(connection, APPROVE, OtherRef(1))  # type: ignore[misc]
            with pytest.raises(TypeError):
                await add_tasks(connection, APPROVE, [(OtherRef(1), None)])  # type: ignore[misc]


async def test_a_task_no_handler_is_registered_for_fails_when_run(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool)
    async with resources.pool.acquire() as connection, connection.transaction():
        task_id = await add_task(connection, UNHANDLED, AgencyRef(agency_id), max_attempts=1)
    assert await run_task(resources, task_id) == "failed"
    row = await _task_row(resources, task_id)
    assert row["last_error"] == "LookupError: no handler registered for task 'tests.unhandled'"


async def test_many_tasks_keep_their_payloads_and_each_its_time(resources: Resources) -> None:
    first, second, third = [await make_agency(resources.pool) for _ in range(3)]
    later = datetime.now(UTC) + timedelta(hours=1)
    async with unit_of_work(resources.pool, resources.queue) as work:
        items = [(AgencyRef(first), None), (AgencyRef(second), later), (AgencyRef(third), None)]
        await work.add_tasks(APPROVE, items)
        [(scheduled_id, when)] = work.scheduled
        assert when == later.timestamp()
    rows = await resources.pool.fetch(
        "SELECT id, payload, run_after > now() AS later FROM task_outbox WHERE id = any($1::bigint[])",
        [*work.task_ids, scheduled_id],
    )
    stored = {row["payload"]["agency_id"]: (row["later"], row["id"] == scheduled_id) for row in rows}
    assert stored == {first: (False, False), second: (True, True), third: (False, False)}
    for task_id in work.task_ids:
        assert await resources.queue.job(f"task:{task_id}") is not None
    job = await resources.queue.job(f"task:{scheduled_id}")
    assert job is not None
    assert job.scheduled == math.ceil(later.timestamp())


def test_the_app_registers_a_handler_for_every_kind_of_task_its_features_declare() -> None:
    # The kinds are found in the modules the app and the worker import, not listed by hand.
    for root in ("backend.server.app", "backend.server.worker"):
        importlib.import_module(root)
    declared = {
        value.name
        for name, module in list(sys.modules.items())
        if name.split(".")[0] in ("backend", "notifications", "payments")
        for value in vars(module).values()
        if isinstance(value, TaskKind)
    }
    assert len(declared) >= 8
    assert declared == set(TASKS.names())


async def test_an_interrupted_run_counts_as_an_attempt_keeps_no_writes_and_waits_out_its_lease(
    resources: Resources,
) -> None:
    agency_id = await make_agency(resources.pool)
    async with resources.pool.acquire() as connection, connection.transaction():
        task_id = await add_task(connection, SLOW_APPROVAL, AgencyRef(agency_id), max_attempts=1)
    running = asyncio.create_task(run_task(resources, task_id))
    for _ in range(100):
        if await resources.pool.fetchval("SELECT attempts FROM task_outbox WHERE id = $1", task_id) == 1:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    running.cancel()  # as a job timeout or a shutdown would
    with pytest.raises(asyncio.CancelledError):
        await running
    row = await _task_row(resources, task_id)
    assert (row["state"], row["attempts"], row["later"]) == ("pending", 1, True)
    assert (await _agency(resources, agency_id))[0] == "pending"
    assert await run_task(resources, task_id) == "skipped"  # still leased to the interrupted run
    await resources.pool.execute("UPDATE task_outbox SET run_after = now() WHERE id = $1", task_id)
    assert await run_task(resources, task_id) == "failed"  # its one attempt was used up
    assert (await _task_row(resources, task_id))["state"] == "failed"


async def test_a_worker_whose_redis_is_gone_waits_between_tries_instead_of_spinning(
    settings: Settings, tmp_path: Path
) -> None:
    environ = environment_for_tests(tmp_path, DATABASE_URL=settings.database_url or "", REDIS_URL=_NOBODY)
    async with open_resources(load_settings(environ), TASKS) as resources:
        started = time.monotonic()
        assert await resources.queue.dequeue(timeout=0.1) is None  # not an exception
        assert time.monotonic() - started >= REDIS_DOWN_PAUSE_SECONDS

        worker = build_worker(resources)
        cpu_before, wall_before = time.process_time(), time.monotonic()
        running = asyncio.create_task(worker.start())
        await asyncio.sleep(3)
        cpu_share = (time.process_time() - cpu_before) / (time.monotonic() - wall_before)
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    # SAQ alone retried at once and kept a core busy (about 1.0 here); waiting, it stays near zero.
    assert cpu_share < 0.5, cpu_share
