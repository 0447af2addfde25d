"""SQL of the answers kept in PostgreSQL: each citizen's last answer per connector, for the day it may be
shown stale once Redis's fresh copy has expired (migration 0033)."""

from __future__ import annotations

import msgspec

from backend.core.db import Connection, Db


class KeptAnswer(msgspec.Struct, frozen=True, kw_only=True):
    connector_id: int
    fetched_at: float
    """Epoch seconds, as the Redis copy has it."""
    answer: str
    """The answer as JSON, decoded against the contract's rules by the reader."""


async def keep_answers(
    connection: Connection, citizen_id: str, answered: list[tuple[int, float, str]]
) -> None:
    """Each (connector, fetched at, answer JSON) in place of the citizen's previous one; an older answer
    (a slow background refresh finishing last) never replaces a newer one."""
    await connection.execute(
        """
        INSERT INTO entitlement_answers AS kept (citizen_id, connector_id, fetched_at, answer)
        SELECT $1::uuid, connector_id, to_timestamp(fetched_at), answer::jsonb
        FROM unnest($2::bigint[], $3::float8[], $4::text[]) AS a(connector_id, fetched_at, answer)
        ON CONFLICT (citizen_id, connector_id) DO UPDATE
            SET fetched_at = excluded.fetched_at, answer = excluded.answer
            WHERE kept.fetched_at <= excluded.fetched_at
        """,
        citizen_id,
        [connector_id for connector_id, _, _ in answered],
        [at for _, at, _ in answered],
        [answer for _, _, answer in answered],
    )


async def kept_answers(db: Db, citizen_id: str, connector_ids: list[int]) -> list[KeptAnswer]:
    rows = await db.fetch(
        """
        SELECT connector_id, extract(epoch FROM fetched_at)::float8 AS fetched_at, answer::text
        FROM entitlement_answers WHERE citizen_id = $1::uuid AND connector_id = ANY($2::bigint[])
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
