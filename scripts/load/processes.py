"""The processes a run starts, each stopped by its id, and the environment they get."""

from __future__ import annotations

import base64
import contextlib
import ctypes
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil
from cryptography.hazmat.primitives.asymmetric import ec

from scripts.load.config import BANK, READY_SECONDS, ROOT, STOP_SECONDS, say

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
            say(f"{child.name} did not stop in time; killing it")
            child.process.kill()
            child.process.wait()
        if child.process.stdout is not None:
            child.process.stdout.close()
    _, alive = psutil.wait_procs(everyone, timeout=5)
    for process in alive:  # a worker process its parent did not take down
        with contextlib.suppress(psutil.NoSuchProcess):
            say(f"killing leftover process {process.pid} ({process.name()})")
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


def base_environment() -> dict[str, str]:
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
        **base_environment(),
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
