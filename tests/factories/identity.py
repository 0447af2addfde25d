"""Citizens, their roles and their sessions, written as a first login and a role grant would write them."""

from __future__ import annotations

import datetime as dt
import time

from backend.core.crypto import NationalIdCipher, national_id_check_digit
from backend.core.db import Db
from backend.core.principal import Session
from backend.identity import queries as identity_queries
from backend.identity.queries import GrantRow, upsert_citizen_on_login
from backend.identity.service import Identity
from tests.factories._ids import Id, as_uuid
from tests.factories._numbers import next_number


def valid_national_id(seed: int) -> str:
    first_twelve = f"3{seed:011d}"
    return first_twelve + str(national_id_check_digit(first_twelve))


async def make_citizen(
    db: Db,
    cipher: NationalIdCipher,
    *,
    national_id: str | None = None,
    name_en: str = "Test Citizen",
    birthdate: dt.date | None = None,
) -> str:
    """A citizen as their first login would create them; a valid national ID is made up if none is given.
    The id, not the row: nearly every caller wants only that (``citizen_row`` reads the rest)."""
    if national_id is None:
        first_twelve = f"1{next_number():011d}"
        national_id = first_twelve + str(national_id_check_digit(first_twelve))
    key_id, ciphertext = cipher.encrypt(national_id)
    citizen_id, _ = await upsert_citizen_on_login(
        db,
        national_id_hash=cipher.lookup_hash(national_id),
        key_id=key_id,
        ciphertext=ciphertext,
        issuer="https://id.example.invalid",
        subject=national_id,
        name_th=None,
        name_en=name_en,
        birthdate=birthdate,
    )
    return str(citizen_id)


async def citizen_row(db: Db, citizen_id: Id) -> identity_queries.CitizenRow:
    found = await identity_queries.citizen(db, as_uuid(citizen_id))
    assert found is not None
    return found


async def make_role(
    db: Db, citizen_id: Id, role: str, agency_id: int | None = None, *, granted_by: Id | None = None
) -> GrantRow:
    """An active role grant: ``agency_admin``, ``agency_officer``, ``support_staff``, ``platform_admin``..."""
    grant_id = await identity_queries.grant_role(
        db,
        citizen_id=as_uuid(citizen_id),
        role=role,
        agency_id=agency_id,
        granted_by=None if granted_by is None else as_uuid(granted_by),
        reason="test",
    )
    assert grant_id is not None, f"{role} was already granted"
    grant = await identity_queries.grant_by_id(db, grant_id)
    assert grant is not None
    return grant


async def make_session(
    identity: Identity, citizen_id: Id, *, acr: str = "urn:demo:ial:2", user_agent: str = "test"
) -> tuple[str, Session]:
    """A logged-in session (its cookie value and the session), as the login callback makes one."""
    return await identity.sessions.create(
        as_uuid(citizen_id),
        acr=acr,
        amr=["pwd"],
        auth_time=int(time.time()),
        user_agent=user_agent,
        ip_address="127.0.0.1",
    )
