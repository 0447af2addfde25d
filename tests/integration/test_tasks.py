"""Save, then queue: tasks are never lost and never done twice."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from backend.core.resources import REDIS_DOWN_PAUSE_SECONDS, Resources, open_resources
from backend.core.tasks import (
    TaskContext,
    add_task,
    run_task,
    sweep_tasks,
    task_handler,
    unit_of_work,
)
from backend.server.worker import build_worker
from backend.settings import Settings, load_settings
from tests.conftest import environment_for_tests
from tests.factories import make_agency

_NOBODY = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@task_handler("tests.approve_agency")
async def approve_agency(ctx: TaskContext, ref_id: str) -> None:
    await ctx.connection.execute(
        "UPDATE agencies SET status = 'approved', name_en = name_en || '!' WHERE id = $1", int(ref_id)
    )


@task_handler("tests.suspend_then_fail")
async def suspend_then_fail(ctx: TaskContext, ref_id: str) -> None:
    await ctx.connection.execute("UPDATE agencies SET status = 'suspended' WHERE id = $1", int(ref_id))
    raise RuntimeError("the agency's system said no")


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
            await work.add_task("tests.approve_agency", agency_id)
            raise Abort

    with pytest.raises(Abort):
        await change_then_abort()
    assert await resources.pool.fetchval("SELECT count(*) FROM task_outbox") == 0
    assert await resources.queue.count("queued") == 0


async def test_a_task_is_queued_only_after_its_transaction_commits(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool)
    async with unit_of_work(resources.pool, resources.queue) as work:
        task_id = await work.add_task("tests.approve_agency", agency_id)
        assert await resources.queue.job(f"task:{task_id}") is None
    job = await resources.queue.job(f"task:{task_id}")
    assert job is not None
    assert job.function == "run_task"
    assert job.kwargs == {"task_id": task_id}  # the job carries the id, nothing else


async def test_a_task_runs_exactly_once_even_when_started_concurrently(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool, name_en="Water")
    async with unit_of_work(resources.pool, resources.queue) as work:
        task_id = await work.add_task("tests.approve_agency", agency_id)
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
        task_id = await work.add_task("tests.suspend_then_fail", agency_id)
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
        task_id = await add_task(connection, "tests.suspend_then_fail", agency_id, max_attempts=2)
    assert await run_task(resources, task_id) == "retry"
    await resources.pool.execute("UPDATE task_outbox SET run_after = now() WHERE id = $1", task_id)
    assert await run_task(resources, task_id) == "failed"
    row = await _task_row(resources, task_id)
    assert row["state"] == "failed"
    assert row["attempts"] == 2
    assert row["finished_at"] is not None


async def test_a_lost_job_is_found_by_the_sweeper_and_run_by_a_real_worker(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool, name_en="Power")
    # Committed without a job, as if Redis had lost it, and due two minutes ago.
    async with resources.pool.acquire() as connection, connection.transaction():
        task_id = await add_task(connection, "tests.approve_agency", agency_id)
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
        recent = await add_task(connection, "tests.approve_agency", agency_id)
        finished = await add_task(connection, "tests.approve_agency", agency_id)
        await connection.execute(
            "UPDATE task_outbox SET state = 'done', finished_at = now(), "
            "run_after = now() - interval '1 hour' WHERE id = $1",
            finished,
        )
    assert await sweep_tasks(resources, older_than_seconds=60) == 0
    assert await resources.queue.job(f"task:{recent}") is None
    assert await resources.queue.job(f"task:{finished}") is None


async def test_a_task_needs_a_registered_handler_and_an_open_transaction(resources: Resources) -> None:
    async with resources.pool.acquire() as connection:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            await add_task(connection, "tests.approve_agency", 1)
        async with connection.transaction():
            with pytest.raises(ValueError, match="No handler"):
                await add_task(connection, "tests.no_such_task", 1)


@task_handler("tests.slow_approval")
async def slow_approval(ctx: TaskContext, ref_id: str) -> None:
    await ctx.connection.execute("UPDATE agencies SET status = 'approved' WHERE id = $1", int(ref_id))
    await asyncio.sleep(30)


async def test_an_interrupted_run_counts_as_an_attempt_keeps_no_writes_and_waits_out_its_lease(
    resources: Resources,
) -> None:
    agency_id = await make_agency(resources.pool)
    async with resources.pool.acquire() as connection, connection.transaction():
        task_id = await add_task(connection, "tests.slow_approval", agency_id, max_attempts=1)
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
    async with open_resources(load_settings(environ)) as resources:
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
