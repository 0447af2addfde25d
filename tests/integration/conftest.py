"""Every integration test starts from empty tables and an empty Redis database."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest_asyncio
from litestar import Litestar

from backend.core.resources import Resources
from backend.identity.service import Identity, session_cookie_name
from backend.settings import Settings, load_settings
from tests.conftest import app_client, environment_for_tests
from tests.factories import make_citizen


async def empty_state(app: Litestar, resources: Resources) -> None:
    """Empty tables and Redis, and the in-process copies of the catalogue and connector list."""
    tables = await resources.pool.fetch(
        "SELECT quote_ident(tablename) AS name FROM pg_tables "
        "WHERE schemaname = 'public' AND tablename NOT IN ('schema_migrations', "
        "'application_states', 'application_transitions')"  # reference data the migrations wrote
    )
    await app.state.entitlements.settle()  # a page's background refresh would write into the next test
    truncate = f"TRUNCATE {', '.join(row['name'] for row in tables)} RESTART IDENTITY CASCADE"
    for attempt in range(5):
        try:
            if tables:
                await resources.pool.execute(truncate)
            break
        except asyncpg.DeadlockDetectedError:
            # Other background work of the previous test can still be writing: its foreign-key locks
            # and TRUNCATE's table locks meet in opposite orders. It finishes; try again.
            if attempt == 4:
                raise
            await asyncio.sleep(0.1)
    await resources.redis.flushdb()
    app.state.catalogue.forget()
    app.state.entitlements.forget_connectors()


@pytest_asyncio.fixture(autouse=True)
async def clean_state(app: Litestar, resources: Resources) -> AsyncIterator[None]:
    await empty_state(app, resources)
    yield


def demo_settings_for(settings: Settings, var_dir: Path, **overrides: str) -> Settings:
    """Demo mode (its own identity provider, agencies and bank) on the test database and Redis."""
    environ = environment_for_tests(
        var_dir,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=settings.redis_url or "",
        DEMO_MODE="true",
        **{"OIDC_ISSUER": "", **overrides},
    )
    return load_settings(environ)


SignIn = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest_asyncio.fixture
async def sign_in(app: Litestar, client: httpx.AsyncClient) -> AsyncIterator[SignIn]:
    """A browser logged in as a (new) citizen holding the given roles; CSRF header preset."""
    identity: Identity = app.state.identity
    resources: Resources = app.state.resources
    opened: list[httpx.AsyncClient] = []

    async def signed_in(
        *roles: tuple[str, int | None], national_id: str | None = None, birthdate: dt.date | None = None
    ) -> httpx.AsyncClient:
        citizen_id = await make_citizen(
            resources.pool, identity.cipher, national_id=national_id, birthdate=birthdate
        )
        for role, agency_id in roles:
            await resources.pool.execute(
                "INSERT INTO role_grants (citizen_id, role, agency_id, grant_reason) "
                "VALUES ($1, $2, $3, 'test')",
                citizen_id,
                role,
                agency_id,
            )
        token, session = await identity.sessions.create(
            uuid.UUID(citizen_id), acr="urn:demo:ial:2", amr=["pwd"], auth_time=int(time.time()),
            user_agent="test", ip_address="127.0.0.1",
        )  # fmt: skip
        browser = app_client(app)
        browser.cookies.set(session_cookie_name(identity.settings), token)
        browser.headers["X-CSRF-Token"] = session.csrf_token
        opened.append(browser)
        return browser

    yield signed_in
    for browser in opened:
        await browser.aclose()
