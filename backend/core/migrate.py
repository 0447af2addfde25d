"""Numbered plain-SQL migrations, applied in order under a PostgreSQL advisory lock.

Each feature package keeps its own ``migrations/NNNN_name.sql`` files so that a change to payments
stays inside ``payments/``; numbers are unique across packages and applied in numeric order.
Every file runs in its own transaction together with its row in ``schema_migrations``. Replicas
starting at once queue on the advisory lock: the first applies, the rest find nothing to do.
An applied file that has since changed is refused rather than silently skipped.

On a live database a migration waits at most ``LOCK_WAIT`` for each lock it needs (a table's ACCESS
EXCLUSIVE waits for every open transaction on it, and every read that arrives meanwhile queues behind the
waiting migration): past it the file rolls back and is tried again after a pause, ``LOCK_TRIES`` times in
all, so people's requests are held up for seconds, not for as long as the longest transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import asyncpg

from backend.core.db import Connection
from backend.core.errors import ConfigurationError

MIGRATION_PACKAGES = (
    "backend",
    "backend.applications",
    "backend.delegation",
    "backend.genuine",
    "backend.programmes",
    "notifications",
    "payments",
)
# A fixed 64-bit key ("CITIMIGR" in ASCII) that no other advisory lock in the app uses.
MIGRATION_LOCK_KEY = 0x43495449_4D494752
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
LOCK_WAIT = "5s"
LOCK_TRIES = 6
LOCK_PAUSE_SECONDS = 2.0  # then 4, 8...: about a minute and a half in all


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    package: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class MigrationStatus:
    version: int
    name: str
    applied_at: datetime | None


def discover_migrations(packages: tuple[str, ...] = MIGRATION_PACKAGES) -> list[Migration]:
    found: dict[int, Migration] = {}
    for package in packages:
        folder = resources.files(package) / "migrations"
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            match = _FILE_NAME.match(entry.name)
            if not match:
                continue
            version = int(match.group(1))
            if version in found:
                other = found[version]
                raise ConfigurationError(
                    f"Migration number {version:04d} is used twice: {other.package}/{other.name} "
                    f"and {package}/{match.group(2)}"
                )
            found[version] = Migration(version, match.group(2), package, entry.read_text(encoding="utf-8"))
    return [found[version] for version in sorted(found)]


async def _ensure_table(connection: Connection) -> None:
    await connection.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            checksum text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


async def upgrade(dsn: str, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply what is pending; returns the migrations applied by this call (empty when up to date)."""
    migrations = discover_migrations() if migrations is None else migrations
    # In UTC as the app's own connections (``db.py``): a migration that makes this month's partitions
    # reads now()::date, which on a cluster kept in Thai time is the next month during its first 7 hours.
    connection = await asyncpg.connect(dsn, server_settings={"timezone": "UTC"})
    try:
        # Session-level lock: held across the per-migration transactions below.
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        try:
            await _ensure_table(connection)
            applied = {
                row["version"]: row["checksum"]
                for row in await connection.fetch("SELECT version, checksum FROM schema_migrations")
            }
            done: list[Migration] = []
            for migration in migrations:
                if migration.version in applied:
                    if applied[migration.version] != migration.checksum:
                        raise ConfigurationError(
                            f"Migration {migration.version:04d}_{migration.name} was changed after it was "
                            "applied; add a new migration instead of editing an applied one"
                        )
                    continue
                await _apply(connection, migration)
                done.append(migration)
            return done
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
    finally:
        await connection.close()


async def _apply(connection: Connection, migration: Migration) -> None:
    """The file and its row in one transaction, each lock waited for at most ``LOCK_WAIT``."""
    for attempt in range(LOCK_TRIES):
        if attempt:
            await asyncio.sleep(LOCK_PAUSE_SECONDS * 2 ** (attempt - 1))
        try:
            async with connection.transaction():
                await connection.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
                await connection.execute(migration.sql)
                await connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    migration.version,
                    migration.name,
                    migration.checksum,
                )
        except asyncpg.LockNotAvailableError:
            continue
        return
    raise ConfigurationError(
        f"Migration {migration.version:04d}_{migration.name} could not take its locks in {LOCK_TRIES} tries "
        f"of {LOCK_WAIT}: long transactions hold its tables; run it again at a quieter moment"
    )


async def status(dsn: str) -> list[MigrationStatus]:
    connection = await asyncpg.connect(dsn)
    try:
        exists = await connection.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
        rows = (
            await connection.fetch("SELECT version, name, applied_at FROM schema_migrations")
            if exists
            else []
        )
    finally:
        await connection.close()
    applied = {
        row["version"]: MigrationStatus(row["version"], row["name"], row["applied_at"]) for row in rows
    }
    known = {m.version: MigrationStatus(m.version, m.name, None) for m in discover_migrations()}
    merged = known | applied
    return [merged[version] for version in sorted(merged)]
