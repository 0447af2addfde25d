"""Scenarios 1 and 2: Redis, then PostgreSQL, restarted under load."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from backend.core.shared import channel_of
from scripts.faults.checks import (
    Window,
    check_invariants,
    check_ledger,
    check_outage,
    check_processes,
    describe_statuses,
    pending_tasks,
    wait_for_ledger,
)
from scripts.faults.journey import journey, retry_unanswered
from scripts.faults.world import Ledger, World

LOAD_BEFORE_SECONDS = 6.0
DOWN_SECONDS = 4.0
LOAD_AFTER_SECONDS = 20.0


async def under_load(
    world: World, label: str, take_down: Callable[[], None], bring_back: Callable[[], None]
) -> tuple[Ledger, Window]:
    """Every citizen's journey on both replicas; the server taken down a few seconds in, brought back
    DOWN_SECONDS later, and the load kept up for LOAD_AFTER_SECONDS more."""
    world.recorder.restart()
    ledger, stop = Ledger(), asyncio.Event()
    loops = [asyncio.create_task(journey(world, c, ledger, stop, i)) for i, c in enumerate(world.citizens)]
    try:
        await asyncio.sleep(LOAD_BEFORE_SECONDS)
        fault_at = world.recorder.now()
        await asyncio.to_thread(take_down)
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(bring_back)
        back_at = world.recorder.now()
        world.report.note(
            f"{label} down at {fault_at:.1f} s into the load, answering again at {back_at:.1f} s"
        )
        await asyncio.sleep(LOAD_AFTER_SECONDS)
        stop.set()
        await asyncio.gather(*loops)
    finally:
        for loop in loops:
            loop.cancel()  # when interrupted; a no-op once they have ended
    return ledger, Window(fault_at, back_at, world.recorder.now())


async def restart_under_load(
    world: World, label: str, take_down: Callable[[], None], bring_back: Callable[[], None]
) -> None:
    stack = world.stack
    pids = [child.pid for child in [*stack.apis, *stack.workers]]
    ledger, window = await under_load(world, label, take_down, bring_back)
    samples = world.recorder.samples
    world.report.note(
        f"{len(samples)} requests in {window.load_end:.0f} s from {len(world.citizens)} citizens, an agency "
        f"and a bank on 2 replicas: {describe_statuses(samples)}"
    )
    check_processes(world, pids)
    check_outage(world, window, label)
    retried = await retry_unanswered(world, ledger)
    took = await wait_for_ledger(world, ledger)
    world.report.note(
        f"sent again after the fault, as clients would: {retried or 'nothing'}; background work caught up "
        f"{took:.0f} s later, pending tasks: {await pending_tasks(world.pool) or 'none'}"
    )
    await check_ledger(world, ledger)
    await check_invariants(world)


async def redis_restarted(world: World) -> None:
    world.report.section(
        "1. Redis restarted during load (no persistence: every session and queue entry lost)"
    )
    replicas = len(world.stack.apis)
    listening = await _listening_replicas(world)
    await restart_under_load(world, "Redis", world.stack.redis.kill, world.stack.redis.start)
    world.report.note(f"sessions lost with Redis, renewed by logging in again: {world.recorder.relogins}")
    # Each replica's copies of shared data (catalogue, connectors, staff roles) are kept valid by its
    # subscription; a restarted Redis has none, so each must have subscribed again by itself.
    again = await _listening_replicas(world)
    world.report.check(
        "every replica listens for shared-data changes again",
        listening == again == replicas,
        f"subscribed to the change channel: {listening} of {replicas} replicas before, {again} after",
    )


async def _listening_replicas(world: World) -> int:
    counts = await world.redis.pubsub_numsub(channel_of(world.redis))
    return int(counts[0][1]) if counts else 0


async def postgres_restarted(world: World) -> None:
    world.report.section("2. PostgreSQL restarted during load (immediate shutdown, as in a crash)")
    postgres = world.stack.postgres
    await restart_under_load(world, "PostgreSQL", postgres.crash, postgres.start_again)
