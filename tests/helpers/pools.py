"""A real pool that counts what asks it for anything: benches use it to show a path never reaches
PostgreSQL."""

from __future__ import annotations

from typing import Any


class CountingPool:
    def __init__(self, pool: Any) -> None:
        self.pool, self.uses = pool, 0

    def __getattr__(self, name: str) -> Any:
        self.uses += 1
        return getattr(self.pool, name)
