"""Plain functions that make test data."""

from __future__ import annotations

import datetime as dt
import itertools

from backend.core.crypto import NationalIdCipher, national_id_check_digit
from backend.core.db import Connection, Pool
from backend.identity.queries import upsert_citizen_on_login

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


async def make_citizen(
    db: Pool | Connection,
    cipher: NationalIdCipher,
    *,
    national_id: str | None = None,
    name_en: str = "Test Citizen",
    birthdate: dt.date | None = None,
) -> str:
    """A citizen as their first login would create them; a valid national ID is made up if none is given."""
    if national_id is None:
        first_twelve = f"1{next(_sequence):011d}"
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
    return citizen_id


def valid_national_id(seed: int) -> str:
    first_twelve = f"3{seed:011d}"
    return first_twelve + str(national_id_check_digit(first_twelve))
