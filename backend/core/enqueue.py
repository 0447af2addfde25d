"""Queueing the SAQ jobs that run committed task rows (``backend.core.tasks.dispatch``) as SAQ's Redis
queue does, minus its costs per job: the same job (as SAQ's ``Job.to_dict`` has it), the same keys
and the same Lua script, so a key already queued is still a no-op and SAQ's worker takes the jobs as
its own; but all of a transaction's jobs in one Redis round trip (a pipeline), and without building a
``Job`` dataclass that SAQ walks field by field twice (once for a log line) on every enqueue. At
national scale that was half the CPU a bank callback cost. ``tests/integration/test_task_dispatch.py``
checks the jobs against SAQ's own."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence

import msgspec
import redis.exceptions
from saq.job import ABORT_ID_PREFIX, Status
from saq.queue.redis import ID_PREFIX, RedisQueue

# SAQ 0.26's RedisQueue._enqueue script, word for word: queue the job unless its key is queued already.
_ENQUEUE_SCRIPT = """
                if not redis.call('ZSCORE', KEYS[1], KEYS[2]) and redis.call('EXISTS', KEYS[4]) == 0 then
                    redis.call('SET', KEYS[2], ARGV[1])
                    redis.call('ZADD', KEYS[1], ARGV[2], KEYS[2])
                    if ARGV[2] == '0' then redis.call('RPUSH', KEYS[3], KEYS[2]) end
                    return 1
                else
                    return nil
                end
                """
_ENQUEUE_SHA = hashlib.sha1(_ENQUEUE_SCRIPT.encode(), usedforsecurity=False).hexdigest()
_encode = msgspec.json.Encoder().encode


class JobSpec(msgspec.Struct, frozen=True):
    """One job: SAQ calls ``function(**kwargs)`` in its worker, not before ``scheduled`` (epoch
    seconds, 0 for now); ``key`` is its identity in the queue."""

    function: str
    kwargs: dict[str, int]
    key: str
    timeout: int
    scheduled: int = 0


def job_payload(queue_name: str, job: JobSpec, queued_ms: int) -> bytes:
    """The job as SAQ stores it: ``Job.to_dict`` leaves out what is at its default."""
    fields: dict[str, object] = {
        "function": job.function, "kwargs": job.kwargs, "queue": queue_name, "key": job.key,
        "timeout": job.timeout,
    }  # fmt: skip
    if job.scheduled:
        fields["scheduled"] = job.scheduled
    fields["queued"] = queued_ms
    fields["status"] = Status.QUEUED.value
    return _encode(fields)


async def enqueue_jobs(queue: RedisQueue, jobs: Sequence[JobSpec]) -> None:
    """Queue the jobs in one round trip; raises what Redis raises (the caller decides what a lost
    enqueue means)."""
    if not jobs:
        return
    queued_ms = int(time.time() * 1000)
    incomplete, queued = queue.namespace("incomplete"), queue.namespace("queued")
    commands: list[_Command] = [
        (
            incomplete,
            f"{ID_PREFIX}{queue.name}:{job.key}",
            queued,
            f"{ABORT_ID_PREFIX}{job.key}",
            job_payload(queue.name, job, queued_ms),
            job.scheduled,
        )
        for job in jobs
    ]
    results = await _evalsha_all(queue, commands)
    if any(isinstance(result, redis.exceptions.NoScriptError) for result in results):
        await queue.redis.script_load(_ENQUEUE_SCRIPT)  # Redis restarted and forgot it: once more
        results = await _evalsha_all(queue, commands)
    for result in results:
        if isinstance(result, Exception):
            raise result


_Command = tuple[str, str, str, str, bytes, int]
"""The script's keys (incomplete set, job id, queued list, abort key), then the job and when."""


async def _evalsha_all(queue: RedisQueue, commands: list[_Command]) -> list[object]:
    async with queue.redis.pipeline(transaction=False) as pipe:
        for command in commands:
            pipe.evalsha(_ENQUEUE_SHA, 4, *command)
        results: list[object] = await pipe.execute(raise_on_error=False)
    return results
