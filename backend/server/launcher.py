"""``citizen run``: the whole app on one machine, for a newcomer or a demo.

Starts the embedded PostgreSQL and Redis when no URLs are set, migrates and seeds, then runs the API
(``citizen serve``) and a worker (``citizen worker``) as child processes, prints the URL once the
app is ready, and on Ctrl-C (or SIGTERM) stops the children, then the servers it started.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from types import FrameType

from backend.demo.embedded import EmbeddedServices, environment_with
from backend.server.app import prepare_database
from backend.settings import Settings

_READY_TIMEOUT_SECONDS = 120.0
_CHILD_STOP_SECONDS = 25.0


def _say(message: str) -> None:
    print(f"citizen: {message}", flush=True)


def _is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:  # noqa: S310 (our own URL)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop_children(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    deadline = time.monotonic() + _CHILD_STOP_SECONDS
    for name, child in children.items():
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"{name} did not stop in time; killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        # Whatever is left of its group once it has gone (granian's workers outlive a main process that
        # crashed or was killed alone, and would go on serving the port).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)


def run_everything(settings: Settings) -> int:
    stopping = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    services = EmbeddedServices(settings.var_path)
    children: dict[str, subprocess.Popen[bytes]] = {}
    exit_code = 0
    try:
        if not settings.database_url or not settings.redis_url:
            _say(f"starting embedded PostgreSQL and Redis under {settings.var_path}")
        database_url, redis_url = services.start(settings.database_url, settings.redis_url)
        resolved = settings.with_urls(database_url=database_url, redis_url=redis_url)
        _say("applying migrations" + (" and demo data" if settings.demo_mode else ""))
        asyncio.run(prepare_database(resolved))

        env = environment_with(database_url, redis_url, settings.demo_mode)
        env.setdefault("LOG_JSON", "false")
        env["MIGRATE_ON_START"] = "false"  # done above, once
        names = ["serve", "worker"] + (["demo-agencies", "push-service"] if settings.demo_mode else [])
        for name in names:
            # Own sessions: the terminal's Ctrl-C reaches only us, and each child gets exactly one
            # SIGINT from _stop_children (granian treats a second signal as an abrupt stop).
            children[name] = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "backend.server.cli", name],
                env=env,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

        url = f"http://{settings.host}:{settings.port}"
        deadline = time.monotonic() + _READY_TIMEOUT_SECONDS
        announced = False
        while not stopping.is_set():
            exited = {name: child.returncode for name, child in children.items() if child.poll() is not None}
            if exited:
                _say(f"stopping: {', '.join(f'{n} exited with code {c}' for n, c in exited.items())}")
                exit_code = 1
                break
            if servers_gone := services.exited():
                _say(f"stopping: {' and '.join(servers_gone)} stopped unexpectedly")
                exit_code = 1
                break
            if not announced:
                if _is_ready(url):
                    mode = " (demo mode)" if settings.demo_mode else ""
                    _say(f"the app is running at {url}{mode}; press Ctrl-C to stop")
                    announced = True
                elif time.monotonic() > deadline:
                    _say(f"the app did not become ready at {url}/readyz in time")
                    exit_code = 1
                    break
            stopping.wait(0.25 if not announced else 1.0)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        _say("stopping")
        _stop_children(children)
        services.stop()
        _say("stopped")
    return exit_code
