"""``python -m scripts.faults`` (``make faults``): the scenarios, one after another, and the summary."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from types import FrameType

from scripts.faults.agencies import agencies_misbehave
from scripts.faults.bank import bank_repeats_itself
from scripts.faults.restarts import postgres_restarted, redis_restarted
from scripts.faults.workers import workers_killed
from scripts.faults.world import Check, Report, World, build_world
from scripts.stack.stack import Stack

SCENARIOS: dict[str, Callable[[World], Awaitable[None]]] = {
    "redis": redis_restarted,
    "postgres": postgres_restarted,
    "worker-kill": workers_killed,
    "agencies": agencies_misbehave,
    "bank-callbacks": bank_repeats_itself,
}


async def run(stack: Stack, report: Report, names: list[str]) -> None:
    main_task = asyncio.current_task()
    assert main_task is not None
    # SIGTERM as Ctrl-C: the scenario in progress is cancelled, then everything is stopped.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    await stack.receiver.start()
    world = await build_world(stack, report)
    try:
        for name in names:
            started = time.monotonic()
            try:
                await SCENARIOS[name](world)
            except Exception as exc:  # one scenario breaking down is a finding, not the end of the run
                report.check(f"{name} ran to the end", False, f"{type(exc).__name__}: {exc}")
            report.note(f"({time.monotonic() - started:.0f} s)")
    finally:
        for citizen in world.citizens:
            await citizen.browser.close()
        await world.water.close()
        await world.welfare.close()
        await world.pool.close()
        await world.redis.aclose()
        await stack.receiver.stop()


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM while starting up: the same clean-up as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make faults", description="Break the app on purpose; check it holds."
    )
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"comma separated, of: {', '.join(SCENARIOS)}"
    )
    names = [name.strip() for name in parser.parse_args(argv).only.split(",") if name.strip()]
    if unknown := [name for name in names if name not in SCENARIOS]:
        parser.error(f"unknown scenario: {', '.join(unknown)}")
    signal.signal(signal.SIGTERM, _interrupt)
    report, began = Report(), time.monotonic()
    stack = Stack()
    try:
        print(
            "starting PostgreSQL, Redis, 2 APIs, 2 workers, demo agencies, a push service; "
            f"logs: {stack.log_dir}",
            flush=True,
        )
        stack.start()
        print(f"ready in {time.monotonic() - began:.0f} s", flush=True)
        asyncio.run(run(stack, report, names))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\ninterrupted: stopping everything", flush=True)
        report.checks.append(Check("run", "finished", False, "interrupted"))
    except RuntimeError as exc:  # the stack could not start or be set up
        report.checks.append(Check("run", "set up", False, str(exc)))
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
    failed = [check for check in report.checks if not check.passed]
    print(
        f"\n== {len(report.checks)} checks, {len(report.checks) - len(failed)} passed, {len(failed)} failed "
        f"({(time.monotonic() - began) / 60:.1f} min) =="
    )
    for check in failed:
        print(f"  FAIL  [{check.scenario}] {check.name}: {check.detail}")
    return 1 if failed or not report.checks else 0


if __name__ == "__main__":
    sys.exit(main())
