"""``python -m scripts.load`` (``make load``, ``make soak``): one straight run, phase after phase."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import asyncpg
import httpx
import msgspec
import redis
import redis.asyncio

from backend.core.logging import configure_logging
from backend.demo.agencies import SERVICES
from backend.identity.service import session_cookie_name
from backend.settings import load_settings
from scripts.load.checks import Checks, check_nothing_lost_or_doubled
from scripts.load.config import (
    BANK,
    BARE_COMMAND,
    DRAIN_SECONDS,
    Config,
    load_average,
    machine_description,
    say,
)
from scripts.load.measuring import Probe, Sampler, other_work
from scripts.load.processes import Children, app_environment, base_environment, wait_ready
from scripts.load.report import report_mix, report_solo, report_usage, save_report
from scripts.load.seeding import billing_agency, seed_database, seed_over_http, set_agency_delay
from scripts.load.traffic import WrkResult, drain, ensure_wrk, run_generator, wrk
from scripts.load_plan import BARE, READS, Plan
from tests.helpers.ports import free_port
from tests.servers import create_scratch_database, drop_database, running_servers, with_database
from tests.webhook_receiver import Receiver, webhook_receiver


class Webhooks:
    """tests/webhook_receiver.py on an event loop of its own thread, for the agency's webhook."""

    def __init__(self) -> None:
        self.receiver: Receiver | None = None
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(
            target=self._loop.run_until_complete, args=(self._serve(),), daemon=True
        )

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        async with webhook_receiver() as receiver:
            self.receiver = receiver
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> Receiver:
        self._thread.start()
        self._ready.wait(10)
        assert self.receiver is not None
        return self.receiver

    def __exit__(self, *_: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> int:  # noqa: PLR0915 (one straight run, phase after phase)
    config = Config.from_environment()
    configure_logging("WARNING", json_lines=False)  # the app's own warnings to stderr; stdout is the report
    if not ensure_wrk():
        say("wrk is missing: `make load` installs it (Debian's package)")
        return 2
    machine = machine_description()
    started_at = dt.datetime.now().astimezone()
    load_at_start = load_average()
    rng = random.Random()  # noqa: S311 (load shapes, not secrets)
    run_tag = secrets.token_hex(3).upper()
    # Ctrl-C, kill, or the terminal going away: all stop the run the same way, cleaning up. SIGINT is
    # set explicitly because a shell starting us in the background would have it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    scratch = Path(tempfile.mkdtemp(prefix="citizen-load-"))
    children = Children(scratch)
    lines: list[str] = []
    checks = Checks()
    try:
        with contextlib.ExitStack() as stack:
            stack.callback(shutil.rmtree, scratch, ignore_errors=True)
            servers = stack.enter_context(running_servers())
            database = asyncio.run(create_scratch_database(servers.admin_dsn, prefix="citizen_load"))
            stack.callback(lambda: asyncio.run(drop_database(servers.admin_dsn, database)))
            database_url = with_database(servers.admin_dsn, database)
            redis.Redis.from_url(servers.redis_url).flushdb()
            stack.callback(lambda: redis.Redis.from_url(servers.redis_url).flushdb())
            receiver = stack.enter_context(Webhooks())

            def stop_children() -> None:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
                stopped = children.stop_all()
                say(f"stopped {stopped} processes")

            stack.callback(stop_children)

            agencies_port = free_port()
            bank_secret = secrets.token_urlsafe(32)
            env = app_environment(
                scratch / "var", database_url, servers.redis_url, agencies_port, bank_secret, config.log_level
            )
            settings = load_settings(env)
            say(f"servers: {servers.origin}; database {database}; seeding {config.citizens} citizens")
            citizens = asyncio.run(seed_database(settings, config, rng))

            children.start(
                "agencies",
                [sys.executable, "-m", "backend.server.cli", "demo-agencies", "--port", str(agencies_port)],
                {**base_environment(), "DEMO_MODE": "true", "VAR_DIR": str(scratch / "agencies")},
            )
            api_ports = [free_port(), free_port()]
            for number, port in enumerate(api_ports, 1):
                children.start(
                    f"api-{number}",
                    [sys.executable, "-m", "backend.server.cli", "serve"],
                    {**env, "PORT": str(port)},
                )
            for number in (1, 2):
                children.start(
                    f"worker-{number}", [sys.executable, "-m", "backend.server.cli", "worker"], env
                )
            agencies = f"http://127.0.0.1:{agencies_port}"
            wait_ready(children, f"{agencies}/health/v1/health")
            set_agency_delay(agencies, config.agency_delay_ms)
            api = [f"http://127.0.0.1:{port}" for port in api_ports]
            for base in api:
                wait_ready(children, f"{base}/readyz")
            agency = billing_agency(settings)
            bills, home = asyncio.run(
                seed_over_http(api[0], agency, citizens, receiver.url, settings, rng, run_tag)
            )
            payload = scratch / "home.json"
            payload.write_bytes(home)
            bare_ports = [free_port(), free_port()]
            for number, port in enumerate(bare_ports, 1):
                children.start(
                    f"bare-{number}",
                    [*BARE_COMMAND, "--port", str(port)],
                    {
                        **base_environment(),
                        "BENCH_PAYLOAD_FILE": str(payload),
                        "BENCH_REDIS_URL": servers.redis_url,
                    },
                )
            bare = [f"http://127.0.0.1:{port}" for port in bare_ports]
            for base in bare:
                wait_ready(children, f"{base}/same-size")
            asyncio.run(drain(database_url))  # seeding's own tasks, before anything is measured

            plan = Plan(
                api=api,
                bare=bare,
                connections=config.connections,
                warmup_seconds=config.warmup_seconds,
                seconds=config.seconds,
                cookie_name=session_cookie_name(settings),
                citizens=citizens,
                bills=bills,
                agency_client_id=agency.client_id,
                agency_client_secret=agency.client_secret,
                biller_id=agency.biller_id,
                bank=BANK,
                bank_secret=bank_secret,
                redis_url=servers.redis_url,
                secret_key=settings.secret_key,
                session_idle_seconds=settings.session_idle_minutes * 60,
                session_absolute_seconds=settings.session_absolute_hours * 3600,
                step_up_acr=settings.step_up_acr,
                step_up_max_age_seconds=settings.step_up_max_age_seconds,
                step_up_satang=settings.payment_step_up_satang,
                payment_expiry_minutes=settings.payment_expiry_minutes,
                run_tag=run_tag,
            )
            plan_path = scratch / "plan.json"
            plan_path.touch(mode=0o600)  # it holds session cookies
            plan_path.write_bytes(msgspec.json.encode(plan))

            services = ["api-1", "api-2", "worker-1", "worker-2", "agencies"]
            sampler = Sampler(
                Probe(children, services, database_url, servers.redis_url), config.sample_seconds
            )

            def on_mix_event(event: str) -> None:
                children.check_running()
                if event == "measuring":
                    say(f"measuring the mix for {config.seconds:.0f} s")
                    sampler.start()
                elif event == "finishing":
                    sampler.stop()

            say(f"warming up for {config.warmup_seconds:.0f} s")
            mix = run_generator(children, "mix", plan_path, on_mix_event)
            sampler.stop()
            say("waiting for the workers to finish what the mix queued")
            drained, later = asyncio.run(drain(database_url))
            say("checking that nothing was lost or doubled")
            checks = asyncio.run(check_nothing_lost_or_doubled(database_url, bills, mix, receiver))

            say("each read alone under wrk")
            cookies = [f"{plan.cookie_name}={citizen.token}" for citizen in citizens]
            probe = sampler.probe
            solo: dict[str, WrkResult] = {}
            for label, path in [*READS.items(), (BARE, "/same-size")]:
                ports, rotate = (bare_ports, []) if label == BARE else (api_ports, cookies)
                before = probe.sample()
                solo[label] = wrk(
                    ports, path, rotate, config.connections, config.solo_seconds, scratch / "wrk.lua"
                )
                solo[label].other_work = other_work(before, probe.sample())
                base = f"http://127.0.0.1:{ports[0]}"
                solo[label].body_bytes = len(httpx.get(base + path, headers={"Cookie": cookies[0]}).content)
            bare_wrk = solo.pop(BARE)
            say("the bare app under the load generator")
            bare_plan = msgspec.structs.replace(plan, warmup_seconds=2.0, seconds=config.baseline_seconds)
            plan_path.write_bytes(msgspec.json.encode(bare_plan))
            before = probe.sample()
            bare_mix = run_generator(children, "baseline", plan_path, lambda _event: None)
            bare_other = other_work(before, probe.sample())
            mix_other = other_work(sampler.samples[0], sampler.samples[-1])
            versions = asyncio.run(_versions(database_url, servers.redis_url))

            names = {
                "api-1": "API replica 1 (citizen serve)",
                "api-2": "API replica 2 (citizen serve)",
                "worker-1": "worker 1 (citizen worker)",
                "worker-2": "worker 2 (citizen worker)",
                "agencies": "demo agencies",
            }
            mode = f"soak, {config.seconds / 60:.0f} min" if config.soak else f"load, {config.seconds:.0f} s"
            lines = [
                f"citizen load ({mode}), {started_at:%Y-%m-%d %H:%M %Z}",
                f"machine: {machine['cpus']} CPUs ({machine['model']}), {machine['memory']} memory, Linux "
                f"{machine['kernel']}; load average {load_at_start} at the start, "
                f"{load_average()} at the end "
                "(other work on the machine shares these cores)",
                f"software: Python {machine['python']}, {versions}; servers: {servers.origin}",
                f"setup: 2 API replicas (citizen serve, WEB_WORKERS=1 each, LOG_LEVEL={config.log_level}), "
                f"2 workers, demo agencies ({len(SERVICES)} connectors answering in "
                f"{config.agency_delay_ms} ms, "
                f"cached 300 s), the bare Litestar app twice; {config.citizens} citizens with sessions, "
                f"{len(bills)} bills issued before the run",
                "",
                *report_mix(config, mix, mix_other, bare_mix, bare_other),
                "",
                *report_solo(config, solo, bare_wrk),
                "",
                *(report_usage(sampler.samples, names, mix.cpu_seconds) if sampler.samples else []),
                f"  after the load the workers needed {drained:.1f} s to finish the tasks it queued"
                if drained is not None
                else f"  the workers had not finished the queued tasks {DRAIN_SECONDS} s after the load",
                *([f"  ({later} tasks wait for a later time: retries with back-off)"] if later > 0 else []),
                "",
                "checks (nothing lost or doubled):",
                *[f"  {'ok  ' if ok else 'FAIL'}  {text}" for ok, text in checks.lines],
            ]
            save_report(lines, config, mix, bare_mix, solo, bare_wrk, sampler.samples, started_at)
    except KeyboardInterrupt:
        say("interrupted; everything it started is stopped")
        return 130
    print("\n".join(lines))
    return 0 if checks.passed else 1


async def _versions(database_url: str, redis_url: str) -> str:
    import granian

    connection = await asyncpg.connect(database_url)
    try:
        postgres = await connection.fetchval("SHOW server_version")
    finally:
        await connection.close()
    client = redis.asyncio.Redis.from_url(redis_url)
    try:
        info: dict[str, Any] = await client.info("server")
    finally:
        await client.aclose()
    return f"granian {granian.__version__}, PostgreSQL {postgres}, Redis {info['redis_version']}"


if __name__ == "__main__":
    sys.exit(main())
