"""Load and soak: a realistic mix against the running app, on loopback (``make load``, ``make soak``).

Self-contained: takes PostgreSQL and Redis as the tests do (``tests/servers.py``: TEST_DATABASE_URL /
TEST_REDIS_URL, else 127.0.0.1:5432 / :6379, else embedded ones), creates a throwaway database
``citizen_load_<random>`` (dropped afterwards), and runs, each as a process of its own:

- two API replicas, ``citizen serve`` with WEB_WORKERS=1 each on two ports, rather than one with
  WEB_WORKERS=2: that is how the app is deployed (``docker/compose.yaml``: replicas behind a proxy,
  each with its own pool and per-process caches), the load generator spreads its connections over
  them as the proxy would, and each replica's memory and CPU can be told apart;
- two workers (``citizen worker``), the demo agencies (``citizen demo-agencies``, every service
  answering after ``LOAD_AGENCY_DELAY_MS``), a webhook receiver for the agency that bills;
- the bare Litestar baseline (``tests/bench/bare_app.py``), served by granian the same way, twice.

Seeds ``LOAD_CITIZENS`` citizens with sessions (the app's own SessionStore, national IDs sealed, a
login strong enough for step-up), a bill each issued through the agency API, and the demo connector
set. Then: the mix (``scripts/load_mix.py``, aiohttp: it says why not wrk) for ``LOAD_SECONDS`` after a
warm-up, or ``SOAK_MINUTES`` in soak mode, while the memory and CPU of every process are sampled every
``LOAD_SAMPLE_SECONDS``; then, once the workers have caught up, a check in the database that no money
or message was lost or doubled; then the four reads each alone under wrk (Lua rotating the citizens'
cookies) beside the bare app under wrk, and the bare app under the mix's own client. Everything it
started is stopped, also on Ctrl-C; children die with it even if it is killed (PR_SET_PDEATHSIG).

Other knobs: LOAD_CITIZENS (500; 2000 for a soak), LOAD_CONNECTIONS (32), LOAD_WARMUP_SECONDS (10),
LOAD_SOLO_SECONDS (10), LOAD_BASELINE_SECONDS (15), LOAD_LOG_LEVEL (WARNING). The report is printed
and kept in ``var/load/``. Figures are never asserted; the exit code is 1 only when a check fails.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ctypes
import datetime as dt
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import msgspec
import psutil
import redis
import redis.asyncio
from cryptography.hazmat.primitives.asymmetric import ec

from backend.catalogue import queries as catalogue_queries
from backend.core.crypto import NationalIdCipher
from backend.core.logging import configure_logging
from backend.core.migrate import upgrade
from backend.demo.agencies import SERVICES
from backend.demo.seed import DEMO_BILLS, seed_demo_data
from backend.identity.service import session_cookie_name
from backend.identity.sessions import SessionStore
from backend.settings import Settings, load_settings
from scripts.load_mix import (
    BARE,
    MIX,
    Bill,
    CallbackRecord,
    Citizen,
    EndpointResult,
    Plan,
    Result,
    bill_amount,
)
from tests.demo_agencies import free_port
from tests.factories import make_citizen, valid_national_id
from tests.servers import create_scratch_database, drop_database, running_servers, with_database
from tests.webhook_receiver import Receiver, webhook_receiver

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "load"
BANK = "load-bank"
BILLING_AGENCY = "demo-water"  # the demo agency whose machine client issues the bills
READY_SECONDS = 90
STOP_SECONDS = 20
DRAIN_SECONDS = 180
# As make bench serves it: granian as citizen serve runs it, one worker, no access log.
BARE_COMMAND = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--host", "127.0.0.1",
                "--workers", "1", "--no-access-log", "tests.bench.bare_app:create_bare_app"]  # fmt: skip
SOLO = {
    "GET /api/v1/tiles": "/api/v1/tiles?lang=th",
    "GET /api/v1/entitlements": "/api/v1/entitlements",
    "GET /api/v1/inbox": "/api/v1/inbox",
    "GET /api/v1/bills": "/api/v1/bills",
}


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


@dataclass(frozen=True)
class Config:
    seconds: float
    soak: bool
    warmup_seconds: float
    citizens: int
    connections: int
    solo_seconds: float
    baseline_seconds: float
    agency_delay_ms: int
    sample_seconds: float
    log_level: str

    @classmethod
    def from_environment(cls) -> Config:
        soak_minutes = _env_number("SOAK_MINUTES", 0)
        return cls(
            seconds=soak_minutes * 60 if soak_minutes > 0 else _env_number("LOAD_SECONDS", 60),
            soak=soak_minutes > 0,
            warmup_seconds=_env_number("LOAD_WARMUP_SECONDS", 10),
            # More citizens for a soak, so that each one's bill list and inbox stay of a plausible
            # length over 30 minutes of bills being issued and paid.
            citizens=int(_env_number("LOAD_CITIZENS", 2000 if soak_minutes > 0 else 500)),
            connections=int(_env_number("LOAD_CONNECTIONS", 32)),
            solo_seconds=_env_number("LOAD_SOLO_SECONDS", 10),
            baseline_seconds=_env_number("LOAD_BASELINE_SECONDS", 15),
            agency_delay_ms=int(_env_number("LOAD_AGENCY_DELAY_MS", 80)),
            sample_seconds=_env_number("LOAD_SAMPLE_SECONDS", 30),
            # Not INFO: a request line per request would be gigabytes over a soak (as in make bench).
            log_level=os.environ.get("LOAD_LOG_LEVEL", "WARNING"),
        )


def _say(message: str) -> None:
    print(f"load: {message}", file=sys.stderr, flush=True)


# --- the machine ----------------------------------------------------------------------------


def machine_description() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    memory = psutil.virtual_memory().total
    return {
        "cpus": str(os.cpu_count()),
        "model": model.group(1).strip() if model else platform.processor() or "unknown",
        "memory": f"{memory / 2**30:.1f} GiB",
        "kernel": platform.release(),
        "python": platform.python_version(),
    }


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# --- processes --------------------------------------------------------------------------------


_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded here: nothing is loaded between fork and exec


def _die_with_parent() -> None:
    """Runs in each child before exec: it gets SIGTERM if this script dies, even by SIGKILL. The
    children have sessions of their own (so that a terminal's Ctrl-C reaches only this script, which
    then stops them one by one), which also means nothing else would stop them."""
    _LIBC.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path


class Children:
    """The processes this script started, each stopped by its id (SIGINT, then SIGKILL after a while)."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: dict[str, Child] = {}

    def start(self, name: str, argv: list[str], env: dict[str, str], *, pipe_stdout: bool = False) -> Child:
        log_path = self.log_dir / f"{name}.log"
        with log_path.open("wb") as log:  # the child keeps its own descriptor
            process = subprocess.Popen(  # noqa: S603 (our own commands)
                argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if pipe_stdout else log,
                stderr=log,
                start_new_session=True,
                # Safe beside our threads: it only calls a function looked up before any fork.
                preexec_fn=_die_with_parent,  # noqa: PLW1509
            )
        child = Child(name, process, log_path)
        self.children[name] = child
        return child

    def tail(self, name: str, lines: int = 30) -> str:
        text = self.children[name].log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def check_running(self) -> None:
        for name, child in self.children.items():
            if not name.startswith("generator") and child.process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {child.process.returncode}:\n{self.tail(name)}")

    def tree(self, name: str) -> list[psutil.Process]:
        try:
            main = psutil.Process(self.children[name].process.pid)
            return [main, *main.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop_all(self) -> int:
        """Stops every child and every process under it; returns how many processes there were."""
        children = list(self.children.values())
        self.children.clear()
        return _stop(children)


def _stop(children: list[Child]) -> int:
    everyone: list[psutil.Process] = []
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            main = psutil.Process(child.process.pid)
            everyone += [main, *main.children(recursive=True)]
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGINT)  # once: granian takes a second as "abort"
    deadline = time.monotonic() + STOP_SECONDS
    for child in children:
        try:
            child.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"{child.name} did not stop in time; killing it")
            child.process.kill()
            child.process.wait()
        if child.process.stdout is not None:
            child.process.stdout.close()
    _, alive = psutil.wait_procs(everyone, timeout=5)
    for process in alive:  # a worker process its parent did not take down
        with contextlib.suppress(psutil.NoSuchProcess):
            _say(f"killing leftover process {process.pid} ({process.name()})")
            process.kill()
    return len(everyone)


def wait_ready(children: Children, url: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own URL)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        children.check_running()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer in {READY_SECONDS} s")
        time.sleep(0.2)


def _base_environment() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    return {key: value for key, value in os.environ.items() if key in keep}


def _vapid_key() -> str:
    raw = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value.to_bytes(32, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def app_environment(
    var_dir: Path, database_url: str, redis_url: str, agencies_port: int, bank_secret: str, log_level: str
) -> dict[str, str]:
    """Production-like (no demo mode), with fresh random secrets; loopback connectors allowed because
    the demo agencies run here."""
    return {
        **_base_environment(),
        "DEMO_MODE": "false",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ID_ENCRYPTION_KEYS": "load1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ID_HASH_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "VAPID_PRIVATE_KEY": _vapid_key(),
        "DOCUMENT_SIGNING_KEYS": "load-doc-1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "OIDC_ISSUER": "https://id.example.invalid",  # never called: sessions are made directly
        "OIDC_CLIENT_ID": "citizen-app",
        "OIDC_CLIENT_SECRET": secrets.token_urlsafe(24),
        "MIGRATE_ON_START": "false",  # done once before the replicas start, as citizen run does
        "ALLOW_PRIVATE_CONNECTOR_HOSTS": "true",
        "DEMO_AGENCIES_PORT": str(agencies_port),
        "BANK_SECRETS": f"{BANK}:{bank_secret}",
        "LOG_LEVEL": log_level,
        "WEB_WORKERS": "1",
    }


# --- seeding ----------------------------------------------------------------------------------


async def seed_database(settings: Settings, config: Config, rng: random.Random) -> list[Citizen]:
    """Migrations, the demo agencies with their connectors, tiles and machine clients, and the citizens
    (as their first login creates them) with favourites and sessions."""
    assert settings.database_url
    assert settings.redis_url
    await upgrade(settings.database_url)
    connection = await asyncpg.connect(settings.database_url)
    try:
        await seed_demo_data(connection, settings)  # also writes the machine clients' secrets to demo.json
        tile_ids = [row["id"] for row in await connection.fetch("SELECT id FROM tiles")]
    finally:
        await connection.close()
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    redis_client = redis.asyncio.Redis.from_url(settings.redis_url)
    cipher = NationalIdCipher(settings.id_encryption_keyring(), base64.b64decode(settings.id_hash_key))
    sessions = SessionStore(
        redis_client,
        idle_seconds=settings.session_idle_minutes * 60,
        absolute_seconds=settings.session_absolute_hours * 3600,
    )
    citizens = []
    try:
        for number in range(config.citizens):
            national_id = valid_national_id(70_000_000 + number)
            birthdate = dt.date.today() - dt.timedelta(days=rng.randrange(18 * 365, 90 * 365))
            citizen_id = await make_citizen(
                pool, cipher, national_id=national_id, name_en=f"Load {number}", birthdate=birthdate
            )
            row = await pool.fetchrow(
                "SELECT national_id_key_id, national_id_ciphertext FROM citizens WHERE id = $1", citizen_id
            )
            assert row is not None
            for tile_id in rng.sample(tile_ids, rng.randrange(0, 4)):
                await catalogue_queries.set_favourite(pool, citizen_id, tile_id, True)
            # A login at the step-up level, so that large bills can be paid (STEP_UP_ACR).
            token, session = await sessions.create(
                citizen_id,
                acr=settings.step_up_acr,
                amr=["pwd"],
                auth_time=int(time.time()),
                user_agent="citizen-load",
                ip_address="127.0.0.1",
                sealed_national_id=(row["national_id_key_id"], row["national_id_ciphertext"]),
                birthdate=birthdate.isoformat(),
            )
            citizens.append(
                Citizen(
                    citizen_id=citizen_id,
                    national_id=national_id,
                    key_id=row["national_id_key_id"],
                    sealed=row["national_id_ciphertext"],
                    birthdate=birthdate.isoformat(),
                    token=token,
                    csrf=session.csrf_token,
                    logged_in_at=time.time(),
                )
            )
    finally:
        await pool.close()
        await redis_client.aclose()
    return citizens


@dataclass
class AgencyClient:
    agency_id: int
    client_id: str
    client_secret: str
    biller_id: str


def billing_agency(settings: Settings) -> AgencyClient:
    guide = json.loads((settings.var_path / "demo.json").read_text())
    client = next(c for c in guide["agency_clients"] if c["agency_code"] == BILLING_AGENCY)
    biller_id = next(biller for code, biller, *_ in DEMO_BILLS if code == BILLING_AGENCY)
    return AgencyClient(int(client["agency_id"]), client["client_id"], client["client_secret"], biller_id)


async def seed_over_http(
    base: str,
    agency: AgencyClient,
    citizens: list[Citizen],
    webhook_url: str,
    settings: Settings,
    rng: random.Random,
    run_tag: str,
) -> tuple[list[Bill], bytes]:
    """Through the agency API, as an agency's system would: its webhook, then one bill per citizen.
    Returns the bills and a home screen's JSON (the bare baseline's payload)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        token = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "bills"},
            auth=(agency.client_id, agency.client_secret),
        )
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        hook = await http.put(
            f"/api/v1/agency/{agency.agency_id}/webhook", json={"url": webhook_url}, headers=headers
        )
        hook.raise_for_status()
        limit = asyncio.Semaphore(16)

        async def issue(index: int) -> Bill:
            amount = bill_amount(rng, settings.payment_step_up_satang)
            ref1 = f"S{run_tag}{index:09d}"
            body = {
                "national_id": citizens[index].national_id,
                "amount_satang": amount,
                "due_date": (dt.date.today() + dt.timedelta(days=30)).isoformat(),
                "biller_id": agency.biller_id,
                "ref1": ref1,
                "ref2": "LOAD",
                "description_th": "ค่าน้ำประปา",
                "description_en": "Water bill",
                "idempotency_key": f"load-{ref1}",
            }
            async with limit:
                answer = await http.post("/api/v1/agency/bills", json=body, headers=headers)
            answer.raise_for_status()
            return Bill(
                id=answer.json()["id"],
                citizen=index,
                biller_id=agency.biller_id,
                ref1=ref1,
                ref2="LOAD",
                amount_satang=amount,
            )

        bills = await asyncio.gather(*(issue(index) for index in range(len(citizens))))
        home = await http.get(
            "/api/v1/tiles?lang=th",
            headers={"Cookie": f"{session_cookie_name(settings)}={citizens[0].token}"},
        )
        home.raise_for_status()
    return list(bills), home.content


def set_agency_delay(base: str, delay_ms: int) -> None:
    for service in SERVICES:
        answer = httpx.post(f"{base}/{service}/_control", json={"mode": "ok", "delay_ms": delay_ms})
        answer.raise_for_status()


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Usage:
    rss: int
    cpu: float
    processes: int


@dataclass
class Sample:
    at: float
    services: dict[str, Usage]
    postgres_backends: int
    postgres_private: int | None
    """Summed private memory (USS) of this database's backends when the server runs here; their RSS
    would count the shared buffers once per backend."""
    postgres_cpu: float | None
    """CPU seconds of this database's backends so far, those that have ended included (as last seen)."""
    postgres_ids: list[str]
    redis_used: int
    redis_keys: int
    key_families: dict[str, int]
    """Keys by what comes before their first colon (first and last sample only: it scans them all)."""
    redis_cpu: float | None
    outbox_due: int
    machine_busy: float
    """CPU seconds the whole machine has spent not idle, all cores together."""
    ours: float
    """CPU seconds of this run: this script and every process under it (live or done), and this
    database's PostgreSQL backends and the Redis server when they run here."""


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "unix" or parts.hostname in (None, "", "127.0.0.1", "localhost", "::1")


def _tree_cpu() -> float:
    me = psutil.Process()
    times = me.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for process in me.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            child = process.cpu_times()
            total += child.user + child.system
    return total


def other_work(before: Sample, after: Sample) -> float:
    """What the rest of the machine used between two samples, in % of one core: the figures measured
    meanwhile had that much less of the machine."""
    busy = after.machine_busy - before.machine_busy
    return 100 * max(0.0, busy - (after.ours - before.ours)) / ((after.at - before.at) or 1.0)


def _machine_busy() -> float:
    times = psutil.cpu_times()
    return float(sum(times)) - times.idle - getattr(times, "iowait", 0.0)


def _backend_usage(pids: list[int]) -> tuple[int | None, dict[str, float]]:
    """Summed private memory, and each one's CPU seconds by pid and start time (the pools replace their
    connections, after 50,000 queries for one), of PostgreSQL backends on this machine."""
    private, cpu = 0, {}
    for pid in pids:
        try:
            process = psutil.Process(pid)
            if not process.name().startswith("postgres"):
                return None, {}  # not this machine's server after all
            private += process.memory_full_info().uss
            times = process.cpu_times()
            cpu[f"{pid}@{process.create_time()}"] = times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return private, cpu


class Probe:
    def __init__(self, children: Children, services: list[str], database_url: str, redis_url: str) -> None:
        self.children = children
        self.services = services
        self.database_url = database_url
        self.redis_url = redis_url
        self.redis = redis.Redis.from_url(redis_url)
        self.backend_cpu: dict[str, float] = {}

    def sample(self, *, families: bool = False) -> Sample:
        services = {}
        for name in self.services:
            rss, cpu, count = 0, 0.0, 0
            for process in self.children.tree(name):
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss += process.memory_info().rss
                    times = process.cpu_times()
                    cpu += times.user + times.system
                    count += 1
            services[name] = Usage(rss, cpu, count)
        backends, outbox_due = asyncio.run(self._postgres())
        private, backend_cpu = _backend_usage(backends) if _is_local(self.database_url) else (None, {})
        self.backend_cpu.update(backend_cpu)
        postgres_cpu = sum(self.backend_cpu.values()) if private is not None else None
        info: dict[str, Any] = self.redis.info()
        redis_cpu = None
        if _is_local(self.redis_url):
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                times = psutil.Process(int(info["process_id"])).cpu_times()
                redis_cpu = times.user + times.system
        return Sample(
            at=time.monotonic(),
            services=services,
            postgres_backends=len(backends),
            postgres_private=private,
            postgres_cpu=postgres_cpu,
            postgres_ids=list(backend_cpu),
            redis_used=int(info["used_memory"]),
            redis_keys=int(self.redis.dbsize()),
            key_families=self._families() if families else {},
            machine_busy=_machine_busy(),
            ours=_tree_cpu() + (postgres_cpu or 0.0) + (redis_cpu or 0.0),
            redis_cpu=redis_cpu,
            outbox_due=outbox_due,
        )

    def _families(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for key in self.redis.scan_iter(count=1000):
            counts[key.split(b":", 1)[0].decode(errors="replace")] += 1
        return dict(counts.most_common())

    async def _postgres(self) -> tuple[list[int], int]:
        connection = await asyncpg.connect(self.database_url)
        try:
            pids = await connection.fetch(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            due: int = await connection.fetchval(
                "SELECT count(*) FROM task_outbox WHERE state = 'pending' AND run_after <= now()"
            )
        finally:
            await connection.close()
        return [row["pid"] for row in pids], due


class Sampler:
    """Samples every ``every`` seconds on a thread of its own, from ``start()`` to ``stop()``."""

    def __init__(self, probe: Probe, every: float) -> None:
        self.probe = probe
        self.every = every
        self.samples: list[Sample] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(self.probe.sample(families=not self.samples))
            if self._stopping.wait(self.every):
                return

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stopping.set()
            self._thread.join()
            self.samples.append(self.probe.sample(families=True))  # the last one at the very end


def run_generator(children: Children, kind: str, plan: Path, on_event: Callable[[str], None]) -> Result:
    result_path = plan.with_name(f"result-{kind}.json")
    child = children.start(
        f"generator-{kind}",
        [sys.executable, "-m", "scripts.load_mix", kind, str(plan), str(result_path)],
        _base_environment(),
        pipe_stdout=True,
    )
    stdout: IO[bytes] | None = child.process.stdout
    assert stdout is not None
    for line in stdout:
        on_event(json.loads(line)["event"])
    code = child.process.wait()
    children.children.pop(child.name)
    if code != 0:
        raise RuntimeError(f"the load generator ({kind}) failed:\n{child.log_path.read_text()[-3000:]}")
    return msgspec.json.decode(result_path.read_bytes(), type=Result)


@dataclass
class WrkResult:
    per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    body_bytes: int = 0
    other_work: float = 0.0


def _milliseconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise RuntimeError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[match.group(2)]


def wrk(
    ports: list[int], path: str, cookies: list[str], connections: int, seconds: float, lua: Path
) -> WrkResult:
    """wrk with one thread per replica (``thread.addr``) and, when given, a cookie per request in turn."""
    listed = ", ".join(f'"{cookie}"' for cookie in cookies)
    lua.write_text(
        f"local ports = {{{', '.join(str(port) for port in ports)}}}\n"
        "local made = 0\n"
        "function setup(thread)\n"
        "  made = made + 1\n"
        '  thread.addr = wrk.lookup("127.0.0.1", tostring(ports[(made - 1) % #ports + 1]))[1]\n'
        "end\n"
        f"local cookies = {{{listed}}}\n"
        "local i = 0\n"
        "function request()\n"
        '  if #cookies == 0 then return wrk.format("GET", nil) end\n'
        "  i = i % #cookies + 1\n"
        '  return wrk.format("GET", nil, {["Cookie"] = cookies[i]})\n'
        "end\n"
    )
    command = [
        "wrk",
        f"-t{len(ports)}",
        f"-c{connections}",
        f"-d{seconds:.0f}s",
        "--latency",
        "-s",
        str(lua),
        f"http://127.0.0.1:{ports[0]}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if rate is None or set(latency) != {"50", "90", "99"}:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    return WrkResult(
        per_second=float(rate.group(1)),
        p50_ms=_milliseconds(latency["50"]),
        p90_ms=_milliseconds(latency["90"]),
        p99_ms=_milliseconds(latency["99"]),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def ensure_wrk() -> bool:
    return shutil.which("wrk") is not None


async def drain(database_url: str) -> tuple[float | None, int]:
    """Seconds until the workers had no task left that was due (None: not within DRAIN_SECONDS), and
    the tasks still waiting for a later time (retries with back-off, scheduled sends)."""
    connection = await asyncpg.connect(database_url)
    started = time.monotonic()
    try:
        while time.monotonic() - started < DRAIN_SECONDS:
            due = await connection.fetchval(
                "SELECT count(*) FROM task_outbox WHERE state = 'pending' AND run_after <= now()"
            )
            if due == 0:
                later: int = await connection.fetchval(
                    "SELECT count(*) FROM task_outbox WHERE state = 'pending'"
                )
                return time.monotonic() - started, later
            await asyncio.sleep(0.5)
        return None, -1
    finally:
        await connection.close()


# --- the checks -------------------------------------------------------------------------------


@dataclass
class Checks:
    lines: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, ok: bool, text: str) -> None:
        self.lines.append((ok, text))

    @property
    def passed(self) -> bool:
        return all(ok for ok, _ in self.lines)


async def check_nothing_lost_or_doubled(
    database_url: str, seeded: list[Bill], mix: Result, receiver: Receiver
) -> Checks:
    checks = Checks()
    connection = await asyncpg.connect(database_url)
    try:
        paid = await _check_payments(connection, checks, seeded, mix)
        await _check_callbacks_and_messages(connection, checks, mix, paid)
    finally:
        await connection.close()
    paid_ids = {c.payment_id for c in paid}
    heard: Counter[str] = Counter(r.headers.get("x-event-id", "") for r in receiver.received)
    told = {
        key.removeprefix("payment.succeeded:"): n for key, n in heard.items() if key.startswith("payment.")
    }
    checks.add(
        paid_ids <= set(told),
        f"the agency's webhook heard of each paid bill: {len(paid_ids & set(told))} of {len(paid_ids)}; "
        f"heard twice (allowed: at least once): {sum(1 for n in told.values() if n > 1)}",
    )
    return checks


async def _check_payments(
    connection: asyncpg.Connection[Any], checks: Checks, seeded: list[Bill], mix: Result
) -> list[CallbackRecord]:
    """Bills, payments, receipts and money; returns the callbacks that paid a payment."""
    bill_ids = [bill.id for bill in seeded] + mix.issued_bills
    found = await connection.fetchval("SELECT count(*) FROM bills WHERE id = ANY($1::uuid[])", bill_ids)
    checks.add(
        found == len(bill_ids) == len(set(bill_ids)),
        f"every bill the agency API confirmed exists once: {found} of {len(bill_ids)}",
    )

    payment_ids = [p.payment_id for p in mix.payments]
    doubled_bills = await connection.fetchval(
        """SELECT count(*) FROM (SELECT bill_id FROM payments WHERE bill_id = ANY($1::uuid[])
           GROUP BY bill_id HAVING count(*) > 1) AS twice""",
        bill_ids,
    )
    checks.add(
        doubled_bills == 0 and mix.second_tap_mismatches == 0 and len(set(payment_ids)) == len(payment_ids),
        f"one payment per bill: {len(payment_ids)} payments started, {mix.second_taps} of them tapped "
        f"twice (same or new key) and shown the same QR; bills with two payments: {doubled_bills}",
    )

    firsts = [c for c in mix.callbacks if c.kind == "first"]
    paid = [c for c in firsts if c.outcome == "paid" and c.payment_id]
    unanswered = [c for c in firsts if c.http_status is None or c.http_status >= 500]
    paid_ids = [c.payment_id for c in paid]
    succeeded = await connection.fetchval(
        "SELECT count(*) FROM payments WHERE id = ANY($1::uuid[]) AND state = 'success'", paid_ids
    )
    checks.add(
        succeeded == len(paid) == len(firsts) - len(unanswered),
        f"every callback for a pending payment paid it: {len(firsts)} sent, {len(paid)} answered "
        f"paid, {succeeded} payments in success, {len(unanswered)} unanswered",
    )

    receipts = {
        row["payment_id"]: row["n"]
        for row in await connection.fetch(
            """SELECT payment_id::text, count(*) AS n, sum(amount_satang) AS satang FROM receipts
               WHERE payment_id = ANY($1::uuid[]) GROUP BY payment_id""",
            payment_ids,
        )
    }
    extra = set(receipts) - set(paid_ids) - {c.payment_id for c in unanswered}
    checks.add(
        all(receipts.get(pid) == 1 for pid in paid_ids) and not extra,
        f"exactly one receipt per paid payment: {sum(receipts.values())} receipts for "
        f"{len(paid_ids)} paid payments; receipts for payments not paid: {len(extra)}",
    )

    expected_satang = sum(c.amount_satang for c in paid)
    receipted_satang = await connection.fetchval(
        "SELECT coalesce(sum(amount_satang), 0) FROM receipts WHERE payment_id = ANY($1::uuid[])",
        paid_ids,
    )
    checks.add(
        receipted_satang == expected_satang,
        f"money counted once: receipts total {receipted_satang / 100:,.2f} baht, callbacks paid "
        f"{expected_satang / 100:,.2f} baht",
    )

    events = await connection.fetchval(
        "SELECT count(*) FROM payment_events WHERE payment_id = ANY($1::uuid[]) AND to_state = 'success'",
        paid_ids,
    )
    paid_bills = await connection.fetchval(
        "SELECT count(*) FROM bills WHERE id = ANY($1::uuid[]) AND status = 'paid'",
        [c.bill_id for c in paid],
    )
    checks.add(
        events == len(paid) == paid_bills,
        f"one success event per paid payment ({events}) and its bill marked paid ({paid_bills})",
    )

    return paid


async def _check_callbacks_and_messages(
    connection: asyncpg.Connection[Any], checks: Checks, mix: Result, paid: list[CallbackRecord]
) -> None:
    sent_ids = {c.callback_id for c in mix.callbacks if c.http_status == 200}
    kept = await connection.fetchval(
        "SELECT count(*) FROM bank_callbacks WHERE bank = $1 AND callback_id = ANY($2::text[])",
        BANK,
        list(sent_ids),
    )
    retries = [c for c in mix.callbacks if c.kind == "retry"]
    retries_ok = sum(1 for c in retries if (c.status, c.outcome) == ("already_processed", "paid"))
    checks.add(
        kept == len(sent_ids) and retries_ok == len([c for c in retries if c.http_status == 200]),
        f"each callback id kept once: {kept} rows for {len(sent_ids)} ids; {len(retries)} repeats "
        f"of a callback all answered already_processed ({retries_ok}) and counted nothing",
    )

    twice = [c for c in mix.callbacks if c.kind == "paid_twice" and c.http_status == 200]
    exceptions = {
        row["callback_id"]: row["kind"]
        for row in await connection.fetch(
            "SELECT callback_id, kind FROM payment_exceptions WHERE bank = $1", BANK
        )
    }
    twice_kept = sum(1 for c in twice if exceptions.get(c.callback_id) == "already_paid")
    checks.add(
        twice_kept == len(twice) == len(exceptions),
        f"money paid twice kept for support, never receipted again: {len(twice)} sent, "
        f"{twice_kept} exceptions 'already_paid', {len(exceptions)} exceptions in all",
    )

    abandoned = [p.payment_id for p in mix.payments if p.abandoned]
    abandoned_states = {
        row["state"]: row["n"]
        for row in await connection.fetch(
            "SELECT state, count(*) AS n FROM payments WHERE id = ANY($1::uuid[]) GROUP BY state",
            abandoned,
        )
    }
    checks.add(
        set(abandoned_states) <= {"pending", "expired"},
        f"QRs never paid stay unpaid: {len(abandoned)} ({abandoned_states or 'none'})",
    )

    keys = [f"payment-receipt:{c.payment_id}" for c in paid]
    messages = {
        row["idempotency_key"]: (row["n"], row["status"])
        for row in await connection.fetch(
            """SELECT idempotency_key, count(*) AS n, max(status) AS status FROM notifications
               WHERE idempotency_key = ANY($1::text[]) GROUP BY idempotency_key""",
            keys,
        )
    }
    open_statuses = sum(1 for _, status in messages.values() if status in ("created", "sending"))
    checks.add(
        all(messages.get(key, (0, ""))[0] == 1 for key in keys) and open_statuses == 0,
        f"exactly one receipt message in the inbox per paid payment: {len(messages)} of {len(keys)}, "
        f"each with a final status (no push devices here: 'permanent-failure', no devices)",
    )

    failed = await connection.fetchval("SELECT count(*) FROM task_outbox WHERE state = 'failed'")
    due = await connection.fetchval(
        "SELECT count(*) FROM task_outbox WHERE state = 'pending' AND run_after <= now()"
    )
    done = await connection.fetch(
        "SELECT task, count(*) AS n FROM task_outbox WHERE state = 'done' GROUP BY task ORDER BY n DESC"
    )
    kinds = ", ".join(f"{row['task']} {row['n']}" for row in done)
    checks.add(
        failed == 0 and due == 0,
        f"background tasks: {sum(row['n'] for row in done)} done ({kinds}), {failed} failed, {due} still due",
    )


# --- the report -------------------------------------------------------------------------------


def _mb(value: float, *, sign: bool = False) -> str:
    return f"{value / 2**20:{'+' if sign else ''},.1f} MB"


def table(rows: list[list[str]]) -> list[str]:
    """Columns sized to fit; the first left-aligned, the others right-aligned."""
    widths = [max(len(row[column]) for row in rows if column < len(row)) for column in range(len(rows[0]))]
    cells = (
        (cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
        for row in rows
    )
    return [("  " + "  ".join(row)).rstrip() for row in cells]


FIGURES = ["req/s", "p50 ms", "p90 ms", "p99 ms", "errors"]


def _figures(result: EndpointResult | WrkResult, errors: int) -> list[str]:
    return [
        f"{result.per_second:,.0f}",
        f"{result.p50_ms:.1f}",
        f"{result.p90_ms:.1f}",
        f"{result.p99_ms:.1f}",
        str(errors),
    ]


def _errors(result: EndpointResult) -> int:
    return result.non_2xx + result.socket_errors + result.wrong_answers


def report_mix(config: Config, mix: Result, mix_other: float, bare: Result, bare_other: float) -> list[str]:
    total = mix.overall.count or 1
    rows = [["endpoint", "target", "sent", *FIGURES, "other work", ""]]
    for label, weight in MIX.items():
        if (result := mix.endpoints.get(label)) is not None:
            share = f"{100 * result.count / total:.1f}%"
            rows.append([label, f"{weight}%", share, *_figures(result, _errors(result)), "", ""])
    for label, result in mix.endpoints.items():
        if label not in MIX:
            rows.append([label, "", "as needed", *_figures(result, _errors(result)), "", ""])
    ratio = mix.overall.per_second / bare.overall.per_second if bare.overall.per_second else 0
    overall = _figures(mix.overall, _errors(mix.overall))
    rows.append(["all", "", "", *overall, f"{mix_other:.0f}%", f"ratio to bare {ratio:.2f}"])
    bare_figures = _figures(bare.overall, _errors(bare.overall))
    rows.append([f"{BARE}, same client", "", "", *bare_figures, f"{bare_other:.0f}%", ""])
    callbacks = Counter(c.kind for c in mix.callbacks)
    lines = [
        f"the mix: {config.connections} connections, closed loop (each sends again on an answer), "
        f"{mix.seconds:.0f} s after a {config.warmup_seconds:.0f} s warm-up",
        *table(rows),
    ]
    if details := {label: r.detail for label, r in mix.endpoints.items() if r.detail}:
        lines.append(f"  errors by kind: {details}")
    lines += [
        f"  the generator itself used {100 * mix.cpu_seconds / mix.seconds:.0f}% of one core during the mix, "
        f"{100 * bare.cpu_seconds / bare.seconds:.0f}% against the bare app (on the servers' 2 cores)",
        f"  payments: {len(mix.payments)} started ({sum(p.abandoned for p in mix.payments)} left unpaid), "
        f"{callbacks['first']} paid by callback, {callbacks['retry']} callbacks repeated, "
        f"{callbacks['paid_twice']} bills paid twice; step-up logins again: {mix.relogins}",
    ]
    return lines


def report_solo(config: Config, solo: dict[str, WrkResult], bare: WrkResult) -> list[str]:
    rows = [["endpoint", "bytes", *FIGURES, "other work", ""]]
    for label, result in [*solo.items(), (BARE, bare)]:
        ratio = f"ratio to bare {result.per_second / bare.per_second:.2f}" if result is not bare else ""
        errors = result.non_2xx + result.socket_errors
        other = f"{result.other_work:.0f}%"
        rows.append([label, f"{result.body_bytes:,}", *_figures(result, errors), other, ratio])
    return [
        f"each read alone: wrk, {config.connections} connections, {config.solo_seconds:.0f} s each, "
        "a different citizen's cookie on each request",
        *table(rows),
    ]


def report_usage(samples: list[Sample], names: dict[str, str], generator_cpu: float) -> list[str]:
    first, last = samples[0], samples[-1]
    wall = (last.at - first.at) or 1.0
    rows = [["process", "start", "end", "growth", "", "peak", "CPU"]]
    for name, label in names.items():
        start, end = first.services[name], last.services[name]
        growth = end.rss - start.rss
        rows.append([
            f"{label} ({end.processes} {'process' if end.processes == 1 else 'processes'})",
            _mb(start.rss), _mb(end.rss), _mb(growth, sign=True),
            f"{100 * growth / start.rss if start.rss else 0:+.0f}%",
            _mb(max(sample.services[name].rss for sample in samples)),
            f"{100 * (end.cpu - start.cpu) / wall:.0f}%",
        ])  # fmt: skip
    new = len(set(last.postgres_ids) - set(first.postgres_ids))
    backends = f"PostgreSQL backends of this database, {first.postgres_backends} -> {last.postgres_backends}"
    if first.postgres_private is not None and last.postgres_private is not None:
        growth = last.postgres_private - first.postgres_private
        postgres_cpu = (last.postgres_cpu or 0.0) - (first.postgres_cpu or 0.0)
        rows.append([
            f"{backends} ({new} new; private memory)", _mb(first.postgres_private),
            _mb(last.postgres_private), _mb(growth, sign=True), "", "", f"{100 * postgres_cpu / wall:.0f}%",
        ])  # fmt: skip
    else:
        rows.append([f"{backends} (server elsewhere)", "", "", "", "", "", ""])
    redis_cpu = "" if first.redis_cpu is None or last.redis_cpu is None else (
        f"{100 * (last.redis_cpu - first.redis_cpu) / wall:.0f}%")  # fmt: skip
    rows.append([
        "Redis used_memory (the whole server)", _mb(first.redis_used), _mb(last.redis_used),
        _mb(last.redis_used - first.redis_used, sign=True), "", _mb(max(s.redis_used for s in samples)),
        redis_cpu,
    ])  # fmt: skip
    rows.append(["load generator (aiohttp)", "", "", "", "", "", f"{100 * generator_cpu / wall:.0f}%"])
    everything_else = f"{other_work(first, last):.0f}%"
    rows.append(["everything else on the machine (other work, kernel)", "", "", "", "", "", everything_else])
    every = samples[1].at - first.at if len(samples) > 1 else 0
    return [
        f"memory and CPU of every process: {len(samples)} samples about {every:.0f} s apart over "
        f"{wall:.0f} s of the mix (CPU as % of one core; the machine has {os.cpu_count()})",
        *table(rows),
        f"  Redis keys in this run's database: {first.redis_keys:,} -> {last.redis_keys:,} ("
        + ", ".join(
            f"{family} {first.key_families.get(family, 0):,} -> {count:,}"
            for family, count in last.key_families.items()
        )
        + f"); background tasks due and not yet done: at most {max(s.outbox_due for s in samples)} at a "
        f"sample, {last.outbox_due} at the end",
    ]


# --- main -------------------------------------------------------------------------------------


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
        _say("wrk is missing: `make load` installs it (Debian's package)")
        return 2
    machine = machine_description()
    started_at = dt.datetime.now().astimezone()
    load_at_start = _load_average()
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
                _say(f"stopped {stopped} processes")

            stack.callback(stop_children)

            agencies_port = free_port()
            bank_secret = secrets.token_urlsafe(32)
            env = app_environment(
                scratch / "var", database_url, servers.redis_url, agencies_port, bank_secret, config.log_level
            )
            settings = load_settings(env)
            _say(f"servers: {servers.origin}; database {database}; seeding {config.citizens} citizens")
            citizens = asyncio.run(seed_database(settings, config, rng))

            children.start(
                "agencies",
                [sys.executable, "-m", "backend.server.cli", "demo-agencies", "--port", str(agencies_port)],
                {**_base_environment(), "DEMO_MODE": "true", "VAR_DIR": str(scratch / "agencies")},
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
                    {**_base_environment(), "BENCH_PAYLOAD_FILE": str(payload)},
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
                    _say(f"measuring the mix for {config.seconds:.0f} s")
                    sampler.start()
                elif event == "finishing":
                    sampler.stop()

            _say(f"warming up for {config.warmup_seconds:.0f} s")
            mix = run_generator(children, "mix", plan_path, on_mix_event)
            sampler.stop()
            _say("waiting for the workers to finish what the mix queued")
            drained, later = asyncio.run(drain(database_url))
            _say("checking that nothing was lost or doubled")
            checks = asyncio.run(check_nothing_lost_or_doubled(database_url, bills, mix, receiver))

            _say("each read alone under wrk")
            cookies = [f"{plan.cookie_name}={citizen.token}" for citizen in citizens]
            probe = sampler.probe
            solo: dict[str, WrkResult] = {}
            for label, path in [*SOLO.items(), (BARE, "/same-size")]:
                ports, rotate = (bare_ports, []) if label == BARE else (api_ports, cookies)
                before = probe.sample()
                solo[label] = wrk(
                    ports, path, rotate, config.connections, config.solo_seconds, scratch / "wrk.lua"
                )
                solo[label].other_work = other_work(before, probe.sample())
                base = f"http://127.0.0.1:{ports[0]}"
                solo[label].body_bytes = len(httpx.get(base + path, headers={"Cookie": cookies[0]}).content)
            bare_wrk = solo.pop(BARE)
            _say("the bare app under the load generator")
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
                f"{_load_average()} at the end "
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
            _save(lines, config, mix, bare_mix, solo, bare_wrk, sampler.samples, started_at)
    except KeyboardInterrupt:
        _say("interrupted; everything it started is stopped")
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


def _save(
    lines: list[str],
    config: Config,
    mix: Result,
    bare: Result,
    solo: dict[str, WrkResult],
    bare_wrk: WrkResult,
    samples: list[Sample],
    started_at: dt.datetime,
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    stem = OUT / f"{started_at:%Y%m%d-%H%M%S}-{'soak' if config.soak else 'load'}"
    stem.with_suffix(".txt").write_text("\n".join(lines) + "\n")
    figures = {
        "config": config.__dict__,
        "mix": {name: msgspec.to_builtins(result) for name, result in mix.endpoints.items()},
        "mix_overall": msgspec.to_builtins(mix.overall),
        "bare_same_client": msgspec.to_builtins(bare.overall),
        "solo_wrk": {name: result.__dict__ for name, result in solo.items()},
        "bare_wrk": bare_wrk.__dict__,
        "samples": [
            sample.__dict__ | {"services": {k: v.__dict__ for k, v in sample.services.items()}}
            for sample in samples
        ],
    }
    stem.with_suffix(".json").write_text(json.dumps(figures, indent=1, default=str))
    _say(f"report saved to {stem.relative_to(ROOT)}.txt and .json")


if __name__ == "__main__":
    sys.exit(main())
