"""Shared fixtures: real servers, one migrated database per test run, settings, the app and a client."""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from backend.core.migrate import upgrade
from backend.core.resources import Resources
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from tests.servers import Servers, create_scratch_database, drop_database, running_servers, with_database

# Fixtures more than one test module uses; helpers (plain functions) are in tests/helpers/.
pytest_plugins = ["tests.plugins.servers", "tests.plugins.browser"]


def pytest_report_header() -> str:
    return "citizen: PostgreSQL and Redis are real servers (see tests/servers.py)"


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    with running_servers() as found:
        print(f"\ntest servers: {found.origin}")
        yield found


@pytest.fixture(scope="session")
def database_url(servers: Servers) -> Iterator[str]:
    name = asyncio.run(create_scratch_database(servers.admin_dsn))
    dsn = with_database(servers.admin_dsn, name)
    asyncio.run(upgrade(dsn))
    yield dsn
    asyncio.run(drop_database(servers.admin_dsn, name))


_VAPID_KEY = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"  # a test key (RFC 8291's example sender key)


def environment_for_tests(var_dir: Path, **overrides: str) -> dict[str, str]:
    """A complete non-demo environment with strong random secrets."""
    return {
        "DEMO_MODE": "false",
        "VAR_DIR": str(var_dir),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ID_ENCRYPTION_KEYS": "test1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ID_HASH_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "MIGRATE_ON_START": "false",
        # A provider that is never called unless a test starts a real one and overrides these.
        "OIDC_ISSUER": "https://id.example.invalid",
        "OIDC_CLIENT_ID": "citizen-app",
        "OIDC_CLIENT_SECRET": secrets.token_urlsafe(24),
        "DB_POOL_MIN_SIZE": "1",
        # The test agencies run on loopback; SSRF refusal is tested with an app that turns this off.
        "ALLOW_PRIVATE_CONNECTOR_HOSTS": "true",
        "ENTITLEMENTS_DEADLINE_MS": "2000",
        "BANK_SECRETS": "test-bank:test-bank-secret-0123456789",
        "VAPID_PRIVATE_KEY": _VAPID_KEY,
        "DOCUMENT_SIGNING_KEYS": "test-doc-1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ALLOW_LOOPBACK_PUSH": "true",
        **overrides,
    }


@pytest.fixture(scope="session")
def settings(servers: Servers, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    environ = environment_for_tests(
        tmp_path_factory.mktemp("var"), DATABASE_URL=database_url, REDIS_URL=servers.redis_url
    )
    return load_settings(environ)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@asynccontextmanager
async def serve_in_process(
    app: Litestar, base_url: str = "http://testserver"
) -> AsyncIterator[httpx.AsyncClient]:
    """Runs the app's lifespan and an HTTP client on the test's own event loop (Litestar's
    AsyncTestClient runs the app in a thread with its own loop, which asyncpg pools cannot cross).
    The lifespan is held by a task of its own because it must end in the task it started in."""
    started, stopping = asyncio.Event(), asyncio.Event()

    async def hold_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stopping.wait()

    holder = asyncio.create_task(hold_lifespan())
    await asyncio.wait([holder, asyncio.create_task(started.wait())], return_when=asyncio.FIRST_COMPLETED)
    if holder.done():
        holder.result()  # start-up failed: raise its error here
    try:
        async with app_client(app, base_url) as client:
            yield client
    finally:
        stopping.set()
        await holder


def app_client(app: Litestar, base_url: str = "http://testserver") -> httpx.AsyncClient:
    """Another browser (its own cookie jar) on an app whose lifespan is already running."""
    transport = httpx.ASGITransport(app=cast(Any, app), client=("127.0.0.1", 50000))
    return httpx.AsyncClient(transport=transport, base_url=base_url)


@pytest_asyncio.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with serve_in_process(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def resources(app: Litestar, client: httpx.AsyncClient) -> Resources:
    resources: Resources = app.state.resources
    return resources
