"""The end of counter help by the hour: a task queued when the hour starts, run at ``ends_at``. The rule
itself needs no worker (the acting middleware refuses the first request after ``ends_at``); this task
only writes the ``ended`` event and, in its transaction and keyed by it, the citizen's notice, unless the
staff member or the citizen ended it first (their own event already told them)."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.tasks import TaskContext, TaskKind, UnitOfWork
from backend.delegation import notices
from backend.delegation import queries as delegation_queries
from backend.delegation.schemas import DelegationRow


class AssistedRef(msgspec.Struct, frozen=True):
    delegation_id: uuid.UUID
    grantor_id: uuid.UUID


HOUR_ENDS_TASK = TaskKind("delegation.assisted_hour_ends", AssistedRef)


async def at_the_hour(work: UnitOfWork, row: DelegationRow) -> None:
    """Queue the end's notice for when this assisted grant's hour is up (in the starting transaction)."""
    assert row.ends_at is not None
    ref = AssistedRef(delegation_id=row.id, grantor_id=row.grantor_id)
    await work.add_task(HOUR_ENDS_TASK, ref, run_after=row.ends_at)


async def tell_the_hour_ended(ctx: TaskContext, ref: AssistedRef) -> None:
    connection = ctx.connection
    row = await delegation_queries.delegation_for(connection, ref.delegation_id, ref.grantor_id, lock=True)
    if row is None or row.ends_at is None or row.ends_at > dt.datetime.now(dt.UTC):
        return
    ended_before: bool = await connection.fetchval(
        "SELECT EXISTS (SELECT 1 FROM delegation_events WHERE delegation_id = $1"
        " AND kind IN ('ended', 'declined'))",
        row.id,
    )
    if ended_before or row.status not in ("active", "ended"):
        return
    if row.status == "active":
        await delegation_queries.close(connection, row.id, "ended")
    event_id = await delegation_queries.add_event(connection, row.id, None, "ended", None, row)
    await notices.tell_of_hour_up(ctx.work, row, event_id)
