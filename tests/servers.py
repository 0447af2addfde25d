"""Which PostgreSQL and Redis the tests use: given ones, local ones, or embedded ones (never mocks).

Order: TEST_DATABASE_URL / TEST_REDIS_URL; else servers answering on 127.0.0.1:5432 / :6379 (unless
TEST_SERVERS=embedded); else embedded servers started for this test run in a temp folder and removed
afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import redis

from backend.demo.embedded import EmbeddedPostgres, EmbeddedRedis

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
_CLAIM_KEY = "citizen-test-run:db{}"  # in database 0: which numbered database a test run holds


def _claim_redis_database(base_url: str) -> str | None:
    """A Redis database (1-15) of this test run's own on a shared server, so that two runs at once
    (CI and a developer, say) never flush each other's data; None when all are taken."""
    client = redis.Redis.from_url(base_url, socket_connect_timeout=2, socket_timeout=2)
    try:
        for number in range(1, 16):
            if client.set(_CLAIM_KEY.format(number), os.getpid(), nx=True, ex=6 * 3600):
                return base_url.rsplit("/", 1)[0] + f"/{number}"
    finally:
        client.close()
    return None


def _release_redis_database(url: str) -> None:
    base, _, number = url.rpartition("/")
    client = redis.Redis.from_url(f"{base}/0", socket_connect_timeout=2, socket_timeout=2)
    try:
        client.delete(_CLAIM_KEY.format(number))
    finally:
        client.close()


@dataclass(frozen=True)
class Servers:
    admin_dsn: str
    redis_url: str
    origin: str


async def _postgres_answers(dsn: str) -> bool:
    try:
        connection = await asyncpg.connect(dsn, timeout=3)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


def _redis_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        return bool(client.ping())
    except (redis.exceptions.RedisError, OSError):
        return False
    finally:
        client.close()


@contextmanager
def running_servers() -> Iterator[Servers]:
    admin_dsn = os.environ.get("TEST_DATABASE_URL")
    redis_url = os.environ.get("TEST_REDIS_URL")
    try_local = os.environ.get("TEST_SERVERS") != "embedded"  # TEST_SERVERS=embedded skips local ones
    origins = []
    if admin_dsn:
        origins.append("TEST_DATABASE_URL")
    elif try_local and asyncio.run(_postgres_answers(LOCAL_POSTGRES)):
        admin_dsn = LOCAL_POSTGRES
        origins.append("local PostgreSQL")
    if redis_url:
        origins.append("TEST_REDIS_URL")
    elif try_local and _redis_answers(LOCAL_REDIS) and (claimed := _claim_redis_database(LOCAL_REDIS)):
        redis_url = claimed
        origins.append("local Redis")

    scratch = Path(tempfile.mkdtemp(prefix="citizen-test-"))
    postgres = EmbeddedPostgres(scratch / "postgres", delete_on_stop=True)
    embedded_redis = EmbeddedRedis(scratch / "redis")
    try:
        if not admin_dsn:
            admin_dsn = postgres.start("postgres")
            origins.append("embedded PostgreSQL")
        if not redis_url:
            redis_url = embedded_redis.start()
            origins.append("embedded Redis")
        yield Servers(admin_dsn=admin_dsn, redis_url=redis_url, origin=", ".join(origins))
    finally:
        if (
            redis_url
            and redis_url.startswith("redis://127.0.0.1:6379/")
            and not os.environ.get("TEST_REDIS_URL")
        ):
            _release_redis_database(redis_url)
        embedded_redis.stop()
        postgres.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def create_scratch_database(admin_dsn: str, prefix: str = "citizen_test") -> str:
    name = f"{prefix}_{secrets.token_hex(4)}"
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return name


async def drop_database(admin_dsn: str, name: str) -> None:
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
