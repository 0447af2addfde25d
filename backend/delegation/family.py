"""Parents of children under 15 and guardians act for them (issue 22 item 2, docs/delegation.md).

No invitation and no acceptance (the child may never have logged in): the adult names the child by
national ID and birth date, after a step-up; the registry the platform trusts for that relationship
(``backend.connectors.registries``) is asked, for the adult, about both; when it confirms, a grant of
kind ``parent`` or ``guardian`` is made active at once with every scope, the registry's answer a
``confirmed`` event, and the call in both people's "who accessed my data".

- A parent's grant ends by itself: its last day is the day before the child's 15th birthday (Bangkok
  days), the day the child stops being "under 15"; the acting check and the lists ask the date on every
  request, so the next request after it is refused with nobody running anything.
- A guardian's holds at most a year from the registry's last confirmation; ``recheck_guardianships``
  (a worker job) asks again daily and ends it the moment the registry no longer confirms it.
"""

from __future__ import annotations

import datetime as dt
import uuid

from backend.connectors import registries
from backend.connectors.access_log import record_access
from backend.connectors.contract import Relationship
from backend.connectors.registries import Person, RegistryAnswer
from backend.connectors.schemas import Said
from backend.core.crypto import NationalIdCipher
from backend.core.dates import english_date, thai_date
from backend.core.db import Db
from backend.core.errors import AppError, Conflict, ServiceUnavailable, invalid
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.delegation import family_queries, queries
from backend.delegation.schemas import SCOPE_WORDS, DelegationView, NewFamilyGrant
from backend.delegation.service import _view_of, latest_end, today, within_limit
from backend.identity.service import Identity

CHILD_UNTIL_AGE = 15
RECHECK_AFTER = dt.timedelta(days=1)
# Everything a parent or guardian does for a child: the child's own affairs are theirs to run.
FAMILY_SCOPES: list[str] = list(SCOPE_WORDS)
_ROLE = {"parent": ("บิดาหรือมารดา", "parent"), "guardian": ("ผู้ปกครอง", "guardian")}


_ALREADY = "You already act for this child, or they already asked you: end that one first to change it."


class NotConfirmed(AppError):
    status_code = 422
    problem_type = "relationship-not-confirmed"
    title = "The registry did not confirm this relationship"


class RegistryUnavailable(ServiceUnavailable):
    problem_type = "registry-unavailable"
    title = "The registry cannot answer now"


def last_day_as_child(birthdate: dt.date) -> dt.date:
    """The day before the 15th birthday, adding years as PostgreSQL does (the database checks it):
    29 February + 15 years is 28 February."""
    try:
        birthday = birthdate.replace(year=birthdate.year + CHILD_UNTIL_AGE)
    except ValueError:
        birthday = birthdate.replace(year=birthdate.year + CHILD_UNTIL_AGE, day=28)
    return birthday - dt.timedelta(days=1)


def _guardian_until(answer_ends_on: dt.date | None) -> dt.date:
    """At most a year from this confirmation; sooner when the court order ends sooner."""
    furthest = latest_end(today())
    return min(answer_ends_on, furthest) if answer_ends_on else furthest


def _refusal(asked: RegistryAnswer | None) -> AppError:
    if asked is None or asked.outcome == "unavailable":
        return RegistryUnavailable(
            "The registry cannot answer right now. Nothing was changed: please try again later.",
            headers={"Retry-After": "300"},
        )
    return NotConfirmed(
        "The registry did not confirm this: check the national ID and birth date, "
        "or ask at a district office."
    )


async def add(
    resources: Resources, identity: Identity, principal: Principal, data: NewFamilyGrant
) -> DelegationView:
    adult_id = principal.citizen_id
    assert adult_id is not None  # the router's guard: a person, not acting for anyone
    day = today()
    if data.birthdate > day:
        raise invalid("birthdate", "is in the future", detail="The birth date is in the future.")
    ends_on = last_day_as_child(data.birthdate)
    if data.relationship == "parent" and ends_on < day:
        raise invalid(
            "birthdate",
            "is 15 or over",
            detail="A child of 15 or over acts for themself: ask them to add you.",
        )
    child_id = await identity.citizen_id_for(resources, data.national_id)  # 400 when not a valid ID
    if child_id == adult_id:
        raise invalid("national_id", "is your own", detail="Enter your child's national ID, not your own.")
    # Asked before the registry is, so that a confirmed call is never rolled back with a refused grant.
    if child_id is not None and await family_queries.open_between(resources.pool, child_id, adult_id):
        raise Conflict(_ALREADY)
    async with resources.pool.acquire() as connection:  # the same limit as chosen grants, asked early too
        await within_limit(connection, resources, adult_id, lock=False)
    me = await family_queries.citizen(resources.pool, adult_id)
    adult = Person(
        adult_id,
        identity.cipher.decrypt(me.key_id, me.ciphertext),
        me.name_th or me.name_en or "",
        me.name_en or me.name_th or "",
    )
    child = Person(child_id, data.national_id, "เด็กที่ระบุ", "the child named")
    asked = await registries.ask(
        resources,
        identity.cipher,
        data.relationship,
        adult=adult,
        child=child,
        child_birthdate=data.birthdate,
    )
    if asked is None or asked.answer is None or not asked.answer.confirmed:
        if asked is not None:
            await registries.record(
                resources.pool, asked, data.relationship, adult=adult, child=child, caller="citizen"
            )
        raise _refusal(asked)
    answer = asked.answer
    if data.relationship == "guardian":
        ends_on = _guardian_until(answer.ends_on)
        if ends_on < day:
            await registries.record(
                resources.pool, asked, data.relationship, adult=adult, child=child, caller="citizen"
            )
            raise NotConfirmed("The registry says this guardianship has ended.")
    key_id, ciphertext = identity.cipher.encrypt(data.national_id)
    async with resources.pool.acquire() as connection, connection.transaction():
        await within_limit(connection, resources, adult_id)  # again, locked: a grant made meanwhile counts
        child_id = await family_queries.child_row(
            connection,
            national_id_hash=identity.cipher.lookup_hash(data.national_id),
            key_id=key_id,
            ciphertext=ciphertext,
            registry=asked.connector.agency_code,
            name_th=answer.child_name_th,
            name_en=answer.child_name_en,
            birthdate=data.birthdate,
        )
        named = await family_queries.citizen(connection, child_id)
        child = Person(
            child_id,
            data.national_id,
            named.name_th or named.name_en or "บุตร",
            named.name_en or named.name_th or "your child",
        )
        made = await family_queries.insert_family_grant(
            connection,
            kind=data.relationship,
            child_id=child_id,
            adult_id=adult_id,
            scopes=FAMILY_SCOPES,
            ends_on=ends_on,
            child_birthdate=data.birthdate,
            registry_connector_id=asked.connector.id,
        )
        if made is None:
            raise Conflict(_ALREADY)
        row = await queries.delegation_for(connection, made, adult_id)
        assert row is not None
        registry_name = f"{asked.connector.agency_name_th} / {asked.connector.agency_name_en}"[:300]
        await queries.add_event(connection, made, adult_id, "confirmed", registry_name, row)
        await registries.record(
            connection, asked, data.relationship, adult=adult, child=child, caller="citizen"
        )
        await _log_grant(connection, row.grantor_id, adult_id, data.relationship, ends_on)
    return await _view_of(resources, adult_id, made)


async def _log_grant(
    db: Db, child_id: uuid.UUID, adult_id: uuid.UUID, relationship: Relationship, ends_on: dt.date
) -> None:
    """In the child's log, as a chosen grant's acceptance is: who now acts for them, until when."""
    role_th, role_en = _ROLE[relationship]
    await record_access(
        db,
        citizen_id=child_id,
        agency_id=None,
        connector_id=None,
        kind="delegation",
        actor_kind="delegate",
        actor_id=str(adult_id),
        purpose=Said(
            f"เริ่มทำแทนคุณในฐานะ{role_th} ถึงวันที่ {thai_date(ends_on)}",
            f"began acting for you as your {role_en} until {english_date(ends_on)}",
        ),
        fields=[Said(*SCOPE_WORDS[key]) for key in SCOPE_WORDS],
        outcome="ok",
        detail=None,
    )


async def recheck_guardianships(resources: Resources, cipher: NationalIdCipher) -> int:
    """Ask the guardianship registry again about each guardian's grant last confirmed over a day ago:
    confirmed moves it on a year (or to the court order's end), "no" ends it at once (a
    ``registry_ended`` event, recorded for both), no answer leaves it for the next run (its year still
    bounds it). Returns how many were ended."""
    ended = 0
    for grant in await family_queries.guardianships_to_check(resources.pool, RECHECK_AFTER):
        ward = await family_queries.citizen(resources.pool, grant.ward_id)
        guardian = await family_queries.citizen(resources.pool, grant.guardian_id)
        people = [
            Person(
                p.id,
                cipher.decrypt(p.key_id, p.ciphertext),
                p.name_th or p.name_en or "",
                p.name_en or p.name_th or "",
            )
            for p in (guardian, ward)
        ]
        asked = await registries.ask(
            resources,
            cipher,
            "guardian",
            adult=people[0],
            child=people[1],
            child_birthdate=grant.child_birthdate,
        )
        if asked is None or asked.answer is None:
            if asked is not None:
                await registries.record(
                    resources.pool, asked, "guardian", adult=people[0], child=people[1], caller="system"
                )
            continue
        until = _guardian_until(asked.answer.ends_on)
        async with resources.pool.acquire() as connection, connection.transaction():
            await registries.record(
                connection, asked, "guardian", adult=people[0], child=people[1], caller="system"
            )
            row = await queries.delegation_for(connection, grant.id, grant.ward_id, lock=True)
            if row is None or row.status != "active":
                continue
            if asked.answer.confirmed and until >= today():
                await family_queries.reconfirmed(connection, grant.id, until)
                continue
            await queries.close(connection, grant.id, "ended")
            reason = f"{asked.connector.agency_name_th}: สิ้นสุดการเป็นผู้ปกครอง / guardianship ended"[:300]
            await queries.add_event(connection, grant.id, None, "registry_ended", reason, row)
            await record_access(
                connection,
                citizen_id=grant.ward_id,
                agency_id=asked.connector.agency_id,
                connector_id=asked.connector.id,
                kind="delegation",
                actor_kind="system",
                actor_id=None,
                purpose=Said(
                    f"{people[0].name_th} ไม่ได้ทำแทนคุณแล้ว: "
                    f"{asked.connector.agency_name_th} แจ้งว่าการเป็นผู้ปกครองสิ้นสุดแล้ว",
                    f"{people[0].name_en} no longer acts for you: "
                    f"{asked.connector.agency_name_en} says the guardianship ended",
                ),
                fields=[],
                outcome="ok",
                detail=None,
            )
            ended += 1
    return ended
