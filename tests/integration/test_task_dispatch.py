"""Task jobs queued in one Redis round trip (``backend.core.enqueue``) are SAQ's own jobs: stored as
SAQ stores them, a queued key still a no-op, taken by SAQ's dequeue, queued after Redis forgot the
script, and those of requests committing together sent together, each caller told its own outcome."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.exceptions
from saq.job import Status
from saq.queue.redis import RedisQueue

from backend.core.enqueue import JobSpec, enqueue_jobs
from backend.core.resources import Resources
from backend.core.tasks import JOB_TIMEOUT_SECONDS, RUN_TASK_JOB, dispatch


@pytest.fixture
async def queue(resources: Resources) -> AsyncIterator[RedisQueue]:
    """A queue of its own on the app's Redis, so that nothing else's jobs are in it."""
    queue = RedisQueue(resources.redis, name=f"dispatch-{uuid.uuid4().hex[:8]}")
    yield queue
    keys = [key async for key in resources.redis.scan_iter(match=f"saq*{queue.name}*")]
    if keys:
        await resources.redis.delete(*keys)


async def _stored(queue: RedisQueue, key: str) -> dict[str, object]:
    raw = await queue.redis.get(queue.job_id(key))
    assert raw is not None, key
    stored: dict[str, object] = json.loads(raw)
    return stored


async def test_a_job_is_stored_as_saq_stores_it(queue: RedisQueue) -> None:
    scheduled = int(time.time()) + 3600
    for suffix, when in (("now", 0), ("later", scheduled)):
        await queue.enqueue(
            RUN_TASK_JOB, key=f"saq:{suffix}", task_id=7, timeout=JOB_TIMEOUT_SECONDS, scheduled=when
        )
        await enqueue_jobs(
            queue,
            [
                JobSpec(
                    RUN_TASK_JOB,
                    {"task_id": 7},
                    key=f"ours:{suffix}",
                    timeout=JOB_TIMEOUT_SECONDS,
                    scheduled=when,
                )
            ],
        )
        saqs, ours = await _stored(queue, f"saq:{suffix}"), await _stored(queue, f"ours:{suffix}")
        assert abs(int(str(saqs.pop("queued"))) - int(str(ours.pop("queued")))) < 60_000
        assert saqs.pop("key") == f"saq:{suffix}"
        assert ours.pop("key") == f"ours:{suffix}"
        assert ours == saqs
        scores = [
            await queue.redis.zscore(queue.namespace("incomplete"), queue.job_id(f"{who}:{suffix}"))
            for who in ("saq", "ours")
        ]
        assert scores == [when, when]
    # only what is due now is in the list a worker pops from
    assert await queue.redis.lrange(queue.namespace("queued"), 0, -1) == [
        queue.job_id("saq:now").encode(),
        queue.job_id("ours:now").encode(),
    ]


async def test_a_key_already_queued_is_left_as_it_is(queue: RedisQueue) -> None:
    await enqueue_jobs(
        queue, [JobSpec(RUN_TASK_JOB, {"task_id": 1}, key="task:1", timeout=JOB_TIMEOUT_SECONDS)]
    )
    first = await _stored(queue, "task:1")
    await enqueue_jobs(
        queue,
        [
            JobSpec(RUN_TASK_JOB, {"task_id": 2}, key="task:1", timeout=JOB_TIMEOUT_SECONDS),
            JobSpec(RUN_TASK_JOB, {"task_id": 3}, key="task:3", timeout=JOB_TIMEOUT_SECONDS),
        ],
    )
    assert await _stored(queue, "task:1") == first
    assert await queue.count("queued") == 2


async def test_a_transactions_jobs_are_taken_by_saqs_own_dequeue(queue: RedisQueue) -> None:
    await dispatch(queue, [11, 12])
    taken = [await queue.dequeue(timeout=1), await queue.dequeue(timeout=1)]
    assert [(job.function, job.kwargs, job.key, job.timeout, job.status) for job in taken if job] == [
        (RUN_TASK_JOB, {"task_id": 11}, "task:11", JOB_TIMEOUT_SECONDS, Status.QUEUED),
        (RUN_TASK_JOB, {"task_id": 12}, "task:12", JOB_TIMEOUT_SECONDS, Status.QUEUED),
    ]


async def test_jobs_are_queued_after_redis_forgot_the_script(queue: RedisQueue) -> None:
    await queue.redis.script_flush()  # as after a restart; SAQ's own scripts reload themselves too
    await dispatch(queue, [21])
    assert (await _stored(queue, "task:21"))["kwargs"] == {"task_id": 21}


async def test_jobs_queued_side_by_side_all_arrive_and_a_redis_error_reaches_each_of_their_callers(
    queue: RedisQueue,
) -> None:
    def job(number: int) -> JobSpec:
        return JobSpec(RUN_TASK_JOB, {"task_id": number}, key=f"task:{number}", timeout=JOB_TIMEOUT_SECONDS)

    await asyncio.gather(*(enqueue_jobs(queue, [job(number)]) for number in range(30)))
    assert await queue.count("queued") == 30
    # a Redis error reaches every caller whose jobs were in the failed round trip
    await queue.redis.set(queue.namespace("queued"), "not a list")
    outcomes = await asyncio.gather(
        *(enqueue_jobs(queue, [job(number)]) for number in range(100, 103)), return_exceptions=True
    )
    assert all(isinstance(outcome, redis.exceptions.ResponseError) for outcome in outcomes)
