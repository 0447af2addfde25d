"""A real ``citizen worker`` process on the test app's settings (crash tests, benchmarks)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import msgspec

from backend.settings import Settings


def environment_of(settings: Settings, **overrides: str) -> dict[str, str]:
    """The test app's own settings as the environment of a separate process."""
    environ = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TMPDIR")}
    for name, value in msgspec.to_builtins(settings).items():
        if value is not None:
            environ[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return environ | overrides


@contextmanager
def running_worker(environ: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """The worker process; killed on the way out if still running."""
    with tempfile.TemporaryFile() as log:  # not a pipe: a full pipe would stall the worker
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.server.cli", "worker"],
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(10)
