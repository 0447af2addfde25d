"""The embedded PostgreSQL of the run command on a slow machine: pg_ctl is given 10 s by pgserver, and a
start that outlasts it is asked again, which must start (or attach to) a server rather than hand back the
handle that failed."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from pgserver.postgres_server import PostgresServer

from backend.demo.embedded import EmbeddedPostgres


async def _answers(dsn: str) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        answer: int = await connection.fetchval("SELECT 1")
        return answer
    finally:
        await connection.close()


def test_a_start_that_timed_out_is_asked_again_and_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = PostgresServer.ensure_postgres_running
    tries: list[int] = []

    def slow_once(self: PostgresServer) -> Any:
        tries.append(1)
        if len(tries) == 1:
            raise subprocess.TimeoutExpired("pg_ctl", 10)  # as pg_ctl outlasting pgserver's 10 s
        return started(self)

    monkeypatch.setattr(PostgresServer, "ensure_postgres_running", slow_once)
    monkeypatch.setattr("backend.demo.embedded.time.sleep", lambda _seconds: None)
    server = EmbeddedPostgres(tmp_path / "postgres", delete_on_stop=True)
    try:
        dsn = server.start()  # runs its own event loop, as the run command does
        assert asyncio.run(_answers(dsn)) == 1
    finally:
        server.stop()
    assert len(tries) == 2
