"""Every integration test starts from empty tables and an empty Redis database."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from backend.identity.service import Identity, session_cookie_name
from backend.lifespan import Resources
from tests.conftest import app_client
from tests.demo_agencies import running_demo_agencies
from tests.factories import make_citizen


@pytest.fixture(scope="module")
def agencies_url() -> Iterator[str]:
    """The demo agencies' connector server, one per test module that asks for it."""
    with running_demo_agencies() as base:
        yield base


@pytest_asyncio.fixture(autouse=True)
async def clean_state(app: Litestar, resources: Resources) -> AsyncIterator[None]:
    tables = await resources.pool.fetch(
        "SELECT quote_ident(tablename) AS name FROM pg_tables "
        "WHERE schemaname = 'public' AND tablename <> 'schema_migrations'"
    )
    if tables:
        await resources.pool.execute(
            f"TRUNCATE {', '.join(row['name'] for row in tables)} RESTART IDENTITY CASCADE"
        )
    await resources.redis.flushdb()
    # The in-process copies of the catalogue and the connector list start empty, like Redis.
    app.state.catalogue.forget()
    app.state.entitlements.forget_connectors()
    yield


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
            citizen_id, acr="urn:demo:ial:2", amr=["pwd"], auth_time=int(time.time()), user_agent="test",
            ip_address="127.0.0.1",
        )  # fmt: skip
        browser = app_client(app)
        browser.cookies.set(session_cookie_name(identity.settings), token)
        browser.headers["X-CSRF-Token"] = session.csrf_token
        opened.append(browser)
        return browser

    yield signed_in
    for browser in opened:
        await browser.aclose()
