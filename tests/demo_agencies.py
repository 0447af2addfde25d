"""Runs the demo agencies' connector server and the test push service on loopback for tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.helpers.ports import free_port


@contextmanager
def running_demo_agencies() -> Iterator[str]:
    """Yields the server's base URL; services live under ``/{service}``."""
    with _running("demo-agencies", "/health/v1/health") as base:
        yield base


@contextmanager
def running_push_service() -> Iterator[str]:
    """The local RFC 8030 push service (``citizen push-service``); yields its base URL."""
    with _running("push-service", "/health") as base:
        yield base


@contextmanager
def _running(command: str, probe: str) -> Iterator[str]:
    port = free_port()
    environment = {"DEMO_MODE": "true", "VAR_DIR": tempfile.mkdtemp(prefix="citizen-demo-agencies-")}
    with serving(
        [sys.executable, "-m", "backend.server.cli", command, "--port", str(port)], environment, port, probe
    ) as base:
        yield base


@contextmanager
def serving(argv: list[str], environment: dict[str, str], port: int, probe: str) -> Iterator[str]:
    """Runs ``argv`` (a server on ``port``) until ``probe`` answers 200; yields its base URL, stops it
    after."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR")
    environment = {**{key: value for key, value in os.environ.items() if key in keep}, **environment}
    with tempfile.TemporaryFile() as log:  # not a pipe: a full pipe would stall the server
        process = subprocess.Popen(argv, env=environment, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}{probe}", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"{argv} did not start: {log.read().decode()[-2000:]}")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(15)
