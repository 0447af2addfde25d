"""Plain functions that make test data."""

from __future__ import annotations

import itertools

from backend.core.db import Connection, Pool

_sequence = itertools.count(1)


async def make_agency(db: Pool | Connection, *, status: str = "pending", name_en: str | None = None) -> int:
    number = next(_sequence)
    agency_id: int = await db.fetchval(
        """
        INSERT INTO agencies (code, name_th, name_en, status)
        VALUES ($1, $2, $3, $4) RETURNING id
        """,
        f"agency-{number}",
        f"หน่วยงานทดสอบ {number}",
        name_en or f"Test agency {number}",
        status,
    )
    return agency_id
