"""Delegation: a grant between two citizens, invited or already accepted, written through the feature's
own queries (with no log record: a test of the log goes through HTTP)."""

from __future__ import annotations

import datetime as dt

from backend.core.db import Db
from backend.delegation import queries
from backend.delegation.schemas import DelegationRow, Scope
from backend.delegation.service import today
from tests.factories._ids import Id, as_uuid


async def make_delegation(
    db: Db,
    *,
    grantor_id: Id,
    delegate_id: Id,
    scopes: tuple[Scope, ...] = ("bills", "messages"),
    accepted: bool = True,
    ends_on: dt.date | None = None,
) -> DelegationRow:
    made = await queries.insert_delegation(
        db,
        grantor_id=as_uuid(grantor_id),
        delegate_id=as_uuid(delegate_id),
        scopes=list(scopes),
        ends_on=ends_on or today() + dt.timedelta(days=30),
    )
    assert made is not None, "the two already have an open grant"
    if accepted:
        await queries.accept(db, made)
    row = await queries.delegation_for(db, made, as_uuid(grantor_id))
    assert row is not None
    return row
