"""One citizen opened by support staff: found, recorded in their "who accessed my data", and shown
by masked national ID only. The notifications and payments views both start here."""

from __future__ import annotations

import uuid

import msgspec

from backend.connectors import access_log
from backend.connectors.schemas import Said
from backend.core.crypto import mask_national_id
from backend.core.errors import NotFound
from backend.core.resources import Resources
from backend.identity import queries as identity_queries
from backend.identity.service import Identity


class LookedUp(msgspec.Struct, frozen=True):
    citizen_id: uuid.UUID
    national_id_masked: str


async def look_up_citizen(
    resources: Resources,
    identity: Identity,
    citizen_id: uuid.UUID,
    *,
    staff_id: uuid.UUID,
    purpose: Said,
    fields: list[Said],
) -> LookedUp:
    citizen = await identity_queries.citizen(resources.pool, citizen_id)
    if citizen is None:
        raise NotFound("No such citizen.")
    await access_log.record_staff_look(
        resources.pool, citizen_id=citizen.id, staff_id=staff_id, purpose=purpose, fields=fields
    )
    national_id = identity.cipher.decrypt(citizen.national_id_key_id, citizen.national_id_ciphertext)
    return LookedUp(citizen_id=citizen.id, national_id_masked=mask_national_id(national_id))
