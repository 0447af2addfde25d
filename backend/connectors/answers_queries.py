"""SQL of the answers kept in PostgreSQL: each citizen's last answer per connector, for the day it may be
shown stale once Redis's fresh copy has expired (migration 0033). A page's calls write them with the
rest of what they lead to (``page_queries``)."""

from __future__ import annotations

import uuid

import msgspec

from backend.core.db import Db


class KeptAnswer(msgspec.Struct, frozen=True, kw_only=True):
    connector_id: int
    fetched_at: float
    """Epoch seconds, as the Redis copy has it."""
    answer: str
    """The answer as JSON, decoded against the contract's rules by the reader."""


async def kept_answers(db: Db, citizen_id: uuid.UUID, connector_ids: list[int]) -> list[KeptAnswer]:
    rows = await db.fetch(
        """
        SELECT connector_id, extract(epoch FROM fetched_at)::float8 AS fetched_at, answer::text
        FROM entitlement_answers WHERE citizen_id = $1 AND connector_id = ANY($2::bigint[])
        """,
        citizen_id,
        connector_ids,
    )
    return [msgspec.convert(dict(row), KeptAnswer) for row in rows]


async def delete_answers_older_than(db: Db, seconds: int, batch: int = 5000) -> int:
    """Answers no page may show any more (past the longest cache lifetime and the stale day)."""
    result: str = await db.execute(
        """
        DELETE FROM entitlement_answers WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM entitlement_answers WHERE fetched_at < now() - make_interval(secs => $1)
            LIMIT $2
        ))
        """,
        seconds,
        batch,
    )
    return int(result.rsplit(maxsplit=1)[-1])
