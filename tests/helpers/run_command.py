"""`citizen run` as a real process, the way a newcomer starts it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.helpers.ports import free_port, in_use


def clean_environment(**extra: str) -> dict[str, str]:
    """As a new user has it: no URLs, no secrets, nothing of the test run's own configuration."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR", "USER")}
    return {**keep, **extra}


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


class RunCommand:
    def __init__(
        self, var_dir: Path, port: int, push_service_port: int, agencies_port: int = 0, **settings: str
    ) -> None:
        """``settings``: more of the environment (``PAYMENT_EXPIRY_MINUTES="1"``)."""
        self.var_dir, self.port = var_dir, port
        self.ports = [port, agencies_port or free_port(), push_service_port]
        self.log = var_dir.parent / f"run-{time.monotonic_ns()}.log"
        with self.log.open("wb") as log:
            # A session of its own, as a terminal would start it, so the test can Ctrl-C the group.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backend.server.cli", "run"],
                env=clean_environment(
                    VAR_DIR=str(var_dir),
                    PORT=str(port),
                    DEMO_AGENCIES_PORT=str(self.ports[1]),
                    DEMO_PUSH_SERVICE_PORT=str(push_service_port),
                    **settings,
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            if ready(self.port) and "the app is running at" in self.log.read_text():
                # A person (and the newcomer check) takes the first URL printed: it must be the app's.
                first_url = re.search(
                    r"http://(?:127\.0\.0\.1|localhost|0\.0\.0\.0):(\d+)", self.log.read_text()
                )
                assert first_url is not None
                assert int(first_url.group(1)) == self.port, self.log.read_text()[-3000:]
                return
            time.sleep(0.2)
        pytest.fail(f"never ready:\n{self.log.read_text()[-3000:]}")

    def ctrl_c(self, seconds: float = 45) -> int:
        """Ctrl-C, and the command's exit code once every server it started has let go of its port: one
        left serving (granian's workers outlive a main process killed alone) would answer in another
        test's stead."""
        os.killpg(self.process.pid, signal.SIGINT)
        code = self.process.wait(seconds)
        deadline = time.monotonic() + 10
        while held := [port for port in self.ports if in_use(port, time_wait_counts=False)]:
            if time.monotonic() > deadline:
                for listener in _listeners(held):
                    listener.kill()
                pytest.fail(
                    f"still serving after Ctrl-C, now killed: ports {held}\n{self.log.read_text()[-3000:]}"
                )
            time.sleep(0.2)
        return code


def _listeners(ports: list[int]) -> list[psutil.Process]:
    return [
        psutil.Process(connection.pid)
        for connection in psutil.net_connections(kind="tcp")
        if connection.pid
        and connection.laddr
        and connection.laddr.port in ports
        and connection.status == psutil.CONN_LISTEN
    ]
