from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from backend.core.db import create_pool
from backend.server.app import create_app
from backend.settings import Settings, load_settings
from tests.conftest import environment_for_tests, serve_in_process


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_liveness_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_is_200_when_postgres_and_redis_answer(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "postgres": "ok", "redis": "ok"}


async def test_readiness_is_a_503_problem_naming_redis_when_redis_is_down(
    settings: Settings, tmp_path: Path
) -> None:
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=settings.database_url or "",
        REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/0",
    )
    async with serve_in_process(create_app(load_settings(environ))) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["status"] == 503
    assert body["type"] == "/problems/service-unavailable"
    assert "Redis" in body["detail"]
    assert "PostgreSQL" not in body["detail"]


async def test_readiness_is_a_503_problem_naming_postgres_when_postgres_is_down(
    settings: Settings, tmp_path: Path
) -> None:
    environ = environment_for_tests(
        tmp_path,
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{_closed_port()}/citizen",
        REDIS_URL=settings.redis_url or "",
        DB_POOL_MIN_SIZE="0",
    )
    async with serve_in_process(create_app(load_settings(environ))) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert "PostgreSQL" in body["detail"]
    assert "Redis" not in body["detail"]


async def test_a_postgresql_socket_that_is_gone_is_a_refused_connection_answered_503() -> None:
    """Found by make faults: PostgreSQL removes its Unix socket when it stops, and asyncpg's
    FileNotFoundError was answered 500; a refused connection is an outage (503)."""
    with pytest.raises(ConnectionRefusedError):
        await create_pool("postgresql://citizen@/citizen?host=/nonexistent-citizen-socket-dir", min_size=1)
