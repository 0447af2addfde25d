"""Every integration test starts from empty tables and an empty Redis database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from backend.lifespan import Resources


@pytest_asyncio.fixture(autouse=True)
async def clean_state(resources: Resources) -> AsyncIterator[None]:
    tables = await resources.pool.fetch(
        "SELECT quote_ident(tablename) AS name FROM pg_tables "
        "WHERE schemaname = 'public' AND tablename <> 'schema_migrations'"
    )
    if tables:
        await resources.pool.execute(
            f"TRUNCATE {', '.join(row['name'] for row in tables)} RESTART IDENTITY CASCADE"
        )
    await resources.redis.flushdb()
    yield
