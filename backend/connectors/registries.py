"""Asking a registry whether an adult is a child's parent, or a ward's guardian (connector contract
``POST /v1/relationships``, docs/connector-contract-v1.md).

A registry is a connector whose ``answers`` the platform's operator set to ``parentage`` (the civil
registry) or ``guardianship``; it is reviewed and approved like any connector, called through the same
client (``backend.core.outbound`` underneath: timeouts, retries, the circuit breaker), and never asked
for entitlements. Each question is made for the adult and names both people, so each call is written
to both people's "who accessed my data", in the same words either way round.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

import msgspec

from backend.connectors.access_log import BIRTH_DATE, NATIONAL_ID, record_access
from backend.connectors.client import PLAIN_REASONS, ConnectorClient, ConnectorFailure
from backend.connectors.contract import Relationship, RelationshipAnswer, RelationshipRequest
from backend.connectors.queries import CONNECTOR_COLUMNS
from backend.connectors.schemas import ActiveConnector, Said
from backend.connectors.targets import target_from_row
from backend.core.crypto import NationalIdCipher
from backend.core.db import Db
from backend.core.resources import Resources

_ANSWERS: dict[Relationship, str] = {"parent": "parentage", "guardian": "guardianship"}
# How each person's record names the other: "(adult) is your parent", "you are (child)'s parent".
_ROLE: dict[Relationship, tuple[str, str]] = {
    "parent": ("บิดาหรือมารดา", "parent"),
    "guardian": ("ผู้ปกครอง", "guardian"),
}
RELATIONSHIP = Said("ความสัมพันธ์ในครอบครัว", "family relationship")


@dataclass(frozen=True, slots=True)
class Person:
    citizen_id: uuid.UUID | None
    """None for a child who has no row yet (never logged in, not yet confirmed): nowhere to record."""
    national_id: str
    name_th: str
    name_en: str


@dataclass(frozen=True, slots=True)
class RegistryAnswer:
    connector: ActiveConnector
    outcome: Literal["confirmed", "not_confirmed", "unavailable"]
    answer: RelationshipAnswer | None
    failed: str | None
    """The failure's kind when unavailable."""


async def registry(db: Db, relationship: Relationship) -> ActiveConnector | None:
    """The live registry for the relationship: active, of an approved agency (at most one, by index)."""
    row = await db.fetchrow(
        f"""
        SELECT {", ".join("c." + column for column in CONNECTOR_COLUMNS.split(", "))},
               a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
        FROM connectors c JOIN agencies a ON a.id = c.agency_id
        WHERE c.answers = $1 AND c.status = 'active' AND a.status = 'approved'
        """,  # noqa: S608 (column names are constants)
        _ANSWERS[relationship],
    )
    return msgspec.convert(dict(row), ActiveConnector) if row else None


async def ask(
    resources: Resources,
    cipher: NationalIdCipher,
    relationship: Relationship,
    *,
    adult: Person,
    child: Person,
    child_birthdate: dt.date,
) -> RegistryAnswer | None:
    """The registry's answer (None when no registry of that kind is live); the caller records it
    (``record``) once it knows whose rows there are."""
    row = await registry(resources.pool, relationship)
    if row is None:
        return None
    question = RelationshipRequest(
        relationship=relationship,
        adult_national_id=adult.national_id,
        child_national_id=child.national_id,
        child_birthdate=child_birthdate,
        purpose=row.purpose_en,
        request_id=uuid.uuid4().hex,
    )
    client = ConnectorClient(resources.redis, resources.outbound)
    answer: RelationshipAnswer | None = None
    failed: str | None = None
    try:
        answer = await client.relationship(target_from_row(row, cipher), question)
    except ConnectorFailure as failure:
        failed = failure.kind
    outcome: Literal["confirmed", "not_confirmed", "unavailable"] = (
        "unavailable" if answer is None else "confirmed" if answer.confirmed else "not_confirmed"
    )
    return RegistryAnswer(row, outcome, answer, failed)


async def record(
    db: Db,
    asked: RegistryAnswer,
    relationship: Relationship,
    *,
    adult: Person,
    child: Person,
    caller: Literal["citizen", "system"],
) -> None:
    """The call in both people's "who accessed my data"; a refusal or failure is recorded too. A child
    with no row yet gets none made for a question the registry did not confirm: anyone may type a
    national ID, and a stranger's number must not become a row."""
    row, outcome, failed = asked.connector, asked.outcome, asked.failed
    role_th, role_en = _ROLE[relationship]
    agency_th, agency_en = row.agency_name_th, row.agency_name_en
    if outcome == "confirmed":
        to_child = Said(
            f"{agency_th} ยืนยันว่า {adult.name_th} เป็น{role_th}ของคุณ",
            f"{agency_en} confirmed that {adult.name_en} is your {role_en}",
        )
        to_adult = Said(
            f"{agency_th} ยืนยันว่าคุณเป็น{role_th}ของ {child.name_th}",
            f"{agency_en} confirmed that you are {child.name_en}'s {role_en}",
        )
    else:
        to_child = Said(
            f"ถาม {agency_th} ว่า {adult.name_th} เป็น{role_th}ของคุณหรือไม่",
            f"{agency_en} was asked whether {adult.name_en} is your {role_en}",
        )
        to_adult = Said(
            f"ถาม {agency_th} ว่าคุณเป็น{role_th}ของเด็กที่ระบุหรือไม่",
            f"{agency_en} was asked whether you are the {role_en} of the child you named",
        )
    detail = None
    if outcome == "not_confirmed":
        detail = Said("หน่วยงานไม่ยืนยัน", "The registry did not confirm it")
    elif failed is not None:
        detail = Said(*PLAIN_REASONS.get(failed, PLAIN_REASONS["internal"]))
    logged = "ok" if failed is None else "timeout" if failed == "timeout" else "failed"
    # The child's record names the adult who now acts for them (never "you"); a question that was not
    # confirmed is the platform's, its words naming who asked.
    child_actor = "delegate" if caller == "citizen" and outcome == "confirmed" else "system"
    for citizen_id, purpose, actor_kind in (
        (child.citizen_id, to_child, child_actor),
        (adult.citizen_id, to_adult, caller),
    ):
        if citizen_id is None:
            continue
        await record_access(
            db,
            citizen_id=citizen_id,
            agency_id=row.agency_id,
            connector_id=row.id,
            kind="agency_call",
            actor_kind=actor_kind,
            actor_id=str(adult.citizen_id) if actor_kind != "system" and adult.citizen_id else None,
            purpose=purpose,
            fields=[NATIONAL_ID, BIRTH_DATE, RELATIONSHIP],
            outcome=logged,
            detail=detail,
        )
