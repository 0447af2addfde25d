"""The ``Stack``: owns every server and process of a run (``servers.py``), starts them with the settings
the scenarios need, and stops them all, whatever happened."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import httpx

from backend.core.db import Pool, create_pool
from scripts.stack.servers import (
    LOG_DIR,
    ROOT,
    Child,
    PrivatePostgres,
    PrivateRedis,
    WebhookReceiver,
    wait_for,
)
from tests.helpers.ports import free_port

BANK = "faults-bank"
WATER_BILLER = "0994000165510"  # the demo data gives it to demo-water
_START_SECONDS = 60.0


class Stack:
    """Owns every server and process of a run; ``stop()`` ends them all, whatever happened."""

    def __init__(self, log_dir: Path = LOG_DIR) -> None:
        self.log_dir = log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        for old in log_dir.glob("*.log"):
            old.unlink()
        self.folder = Path(tempfile.mkdtemp(prefix="citizen-faults-"))
        self.postgres = PrivatePostgres(self.folder)
        self.redis = PrivateRedis(self.folder, log_dir)
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
        agencies, push = str(self.agencies_port), str(self.push_port)
        self.helpers = [
            Child("demo-agencies", self._cli("demo-agencies", "--port", agencies), self.env, self.log_dir),
            Child("push-service", self._cli("push-service", "--port", push), self.env, self.log_dir),
        ]
        self.apis = [self._api(index) for index in range(2)]
        self.workers = [self.new_worker(), self.new_worker()]
        for child, probe in (
            (self.helpers[0], f"{self.agencies_url}/health/v1/health"),
            (self.helpers[1], f"{self.push_url}/health"),
            *((api, f"{url}/readyz") for api, url in zip(self.apis, self.api_urls, strict=True)),
        ):
            wait_for(child.name, partial(_answers, probe), _START_SECONDS, child.alive, self.log_dir)
        for worker in self.workers:
            self._wait_started(worker)

    def _wait_started(self, worker: Child) -> None:
        ready = partial(_logged, worker, "worker_started")
        wait_for(worker.name, ready, _START_SECONDS, worker.alive, self.log_dir)

    @staticmethod
    def _cli(*args: str) -> list[str]:
        return [sys.executable, "-m", "backend.server.cli", *args]

    def _api(self, index: int) -> Child:
        port = self.api_ports[index]
        # Each replica its own origin (and so its own demo IdP issuer); sessions are shared in Redis.
        env = {**self.env, "PORT": str(port), "PUBLIC_URL": f"http://127.0.0.1:{port}", "WEB_WORKERS": "1"}
        return Child(f"api-{index + 1}", self._cli("serve"), env, self.log_dir)

    def new_worker(self) -> Child:
        self.worker_generation += 1
        return Child(f"worker-{self.worker_generation}", self._cli("worker"), self.env, self.log_dir)

    def replace_worker(self, index: int) -> Child:
        """A fresh worker in place of a dead one, ready to take jobs."""
        worker = self.workers[index] = self.new_worker()
        self._wait_started(worker)
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
