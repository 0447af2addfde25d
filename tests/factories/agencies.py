"""Agencies and their staff."""

from __future__ import annotations

from backend.core.crypto import NationalIdCipher
from backend.core.db import Db
from backend.identity.queries import GrantRow
from tests.factories._ids import Id
from tests.factories._numbers import next_number
from tests.factories.identity import make_citizen, make_role


async def make_agency(db: Db, *, status: str = "pending", name_en: str | None = None) -> int:
    """The id, not the row: every caller wants only that (``catalogue.queries.agency`` reads the rest)."""
    number = next_number()
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


async def make_member(
    db: Db,
    cipher: NationalIdCipher,
    agency_id: int,
    *,
    role: str = "agency_officer",
    citizen_id: Id | None = None,
) -> GrantRow:
    """A member of the agency's staff (a new citizen unless ``citizen_id`` is given) with this role."""
    if citizen_id is None:
        citizen_id = await make_citizen(db, cipher, name_en="Agency Staff")
    return await make_role(db, citizen_id, role, agency_id)
