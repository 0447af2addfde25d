"""Assisted mode at a counter (issue 22 item 6): a counter staff member (role ``counter_staff``) helps a
citizen for one hour under a grant of kind ``assisted``, in the same tables and through the same acting
mechanism as a family grant. Only the citizen starts it, in one of two ways:

- the staff member asks by national ID; the citizen confirms in their own app (step-up, as granting
  needs), choosing the scopes; an unconfirmed request lapses after ``ASK_LAPSES_MINUTES``;
- the citizen makes a six-digit code in their app and reads it out; the staff member types it with the
  citizen's national ID. The code is kept only as a keyed hash bound to the citizen, lapses after
  ``CODE_MINUTES``, is used once, dies after ``CODE_TRIES`` wrong tries, and each staff member's
  guesses are rate-limited (``GUESSES``).

Every step is a ``delegation_events`` row and a record in the citizen's "who accessed my data" with
``actor_kind = 'assisted'`` (the staff member's name and service point); what the staff member does
while acting is recorded by the acting middleware, also marked assisted. Staff see national IDs masked.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import uuid
from collections.abc import Sequence

from backend.connectors.access_log import record_access
from backend.connectors.schemas import Said
from backend.core.crypto import mask_national_id
from backend.core.dates import THAILAND
from backend.core.db import Connection
from backend.core.errors import Conflict, NotFound, invalid
from backend.core.principal import Principal
from backend.core.ratelimit import Bucket
from backend.core.resources import Resources
from backend.core.tasks import unit_of_work
from backend.delegation import assisted_queries as queries
from backend.delegation import notices
from backend.delegation import queries as delegation_queries
from backend.delegation.assisted_end import at_the_hour
from backend.delegation.schemas import (
    AssistAsk,
    AssistCodeEntry,
    AssistCodeView,
    AssistConsent,
    CounterSessions,
    CounterSessionView,
    DelegationRow,
    DelegationView,
    ScopeView,
)
from backend.delegation.service import ALL_SCOPES, _view_of, ordered, today
from backend.identity.service import Identity

HOUR_MINUTES = 60
ASK_LAPSES_MINUTES = notices.ASK_MINUTES
CODE_MINUTES = 10
CODE_TRIES = 5
GUESSES = Bucket("assisted-code", capacity=10, per_second=10 / 3600)
"""Per staff member: ten tries, then one more every six minutes."""
DEFAULT_SCOPES = ("entitlements", "bills", "applications")
"""What is ticked for the citizen at first: what people come to a counter for."""


def _time(moment: dt.datetime) -> Said:
    local = moment.astimezone(THAILAND)
    return Said(f"{local:%H:%M} น.", f"{local:%H:%M}")


def _name(row: DelegationRow) -> Said:
    return Said(row.delegate_name_th or row.delegate_name_en or "เจ้าหน้าที่", row.delegate_name_en or "staff")


async def _log(connection: Connection, row: DelegationRow, *, by_staff: bool, purpose: Said) -> None:
    point = row.service_point or ""
    await record_access(
        connection,
        citizen_id=row.grantor_id,
        agency_id=None,
        connector_id=None,
        kind="delegation",
        actor_kind="assisted" if by_staff else "citizen",
        actor_id=str(row.delegate_id if by_staff else row.grantor_id),
        purpose=purpose,
        fields=[Said(*pair) for pair in ((scope.label_th, scope.label_en) for scope in _scopes(row.scopes))],
        outcome="ok",
        detail=Said(f"ช่วยที่เคาน์เตอร์: {point}", f"helped at the counter: {point}"),
    )


def _scopes(keys: Sequence[str]) -> list[ScopeView]:
    by_key = {scope.key: scope for scope in ALL_SCOPES}
    return [by_key[key] for key in ordered(list(keys))]


async def _citizen(
    resources: Resources, identity: Identity, national_id: str, staff_id: uuid.UUID
) -> uuid.UUID:
    citizen_id = await identity.citizen_id_for(resources, national_id)
    if citizen_id is None:
        raise invalid(
            "national_id",
            "คนนี้ยังไม่เคยเข้าสู่ระบบแอป · has not used the app",
            detail="This person has not logged in to the app yet: they need the app on their phone first.",
        )
    if citizen_id == staff_id:
        raise invalid(
            "national_id", "เป็นเลขของคุณเอง · is your own", detail="You cannot help yourself at the counter."
        )
    return citizen_id


async def _start(
    connection: Connection,
    *,
    citizen_id: uuid.UUID,
    staff_id: uuid.UUID,
    scopes: list[str],
    service_point: str,
    active: bool,
) -> DelegationRow:
    await delegation_queries.expire_past_end(connection, citizen_id, today())
    made = await queries.insert_assisted(
        connection,
        grantor_id=citizen_id,
        staff_id=staff_id,
        scopes=ordered(scopes),
        service_point=service_point,
        active_minutes=HOUR_MINUTES if active else None,
        lapse_minutes=ASK_LAPSES_MINUTES,
    )
    if made is None:
        raise Conflict("You already help this person, or have asked them: end that first.")
    row = await delegation_queries.delegation_for(connection, made, citizen_id)
    assert row is not None
    return row


async def ask(
    resources: Resources, identity: Identity, staff_id: uuid.UUID, data: AssistAsk
) -> CounterSessionView:
    """Counter staff ask; nothing is open to them until the citizen confirms in their own app."""
    citizen_id = await _citizen(resources, identity, data.national_id, staff_id)
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        row = await _start(
            connection,
            citizen_id=citizen_id,
            staff_id=staff_id,
            scopes=list(DEFAULT_SCOPES),
            service_point=data.service_point,
            active=False,
        )
        event_id = await delegation_queries.add_event(connection, row.id, staff_id, "invited", None, row)
        # The citizen's phone is told at once: the request lapses in minutes (docs/delegation.md).
        await notices.tell_of_assisted(work, row, event_id, "invited", by_staff=True)
        point = data.service_point
        await _log(
            connection,
            row,
            by_staff=True,
            purpose=Said(
                f"ขอช่วยทำรายการแทนคุณ 1 ชั่วโมง ที่ {point} (รอคุณยืนยันในแอป)",
                f"asked to help you for one hour at {point} (waiting for you to confirm in the app)",
            ),
        )
    return await _session(resources, identity, staff_id, row.id)


async def confirm(
    resources: Resources, principal: Principal, delegation_id: uuid.UUID, data: AssistConsent
) -> DelegationView:
    """The citizen agrees to a staff member's request: the hour starts now, with the scopes they chose."""
    me = principal.citizen_id
    assert me is not None  # the router's guard lets only people through
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        row = await delegation_queries.delegation_for(connection, delegation_id, me, lock=True)
        if row is None or row.grantor_id != me or row.kind != "assisted":
            raise NotFound("No such request.")
        lapsed = row.ends_at is not None and row.ends_at <= dt.datetime.now(dt.UTC)
        if row.status != "invited" or lapsed:
            raise Conflict("This request is no longer open: ask the staff member to ask again.")
        await queries.confirm(connection, row.id, ordered(list(data.scopes)), HOUR_MINUTES)
        started = await delegation_queries.delegation_for(connection, row.id, me)
        assert started is not None
        assert started.ends_at is not None
        event_id = await delegation_queries.add_event(connection, row.id, me, "accepted", None, started)
        await notices.tell_of_assisted(work, started, event_id, "accepted", by_staff=False)
        await at_the_hour(work, started)
        name, until = _name(started), _time(started.ends_at)
        await _log(
            connection,
            started,
            by_staff=False,
            purpose=Said(
                f"คุณให้เจ้าหน้าที่ {name.th} ช่วยทำรายการแทนคุณ ถึงเวลา {until.th}",
                f"You let {name.en}, counter staff, help you until {until.en}",
            ),
        )
    return await _view_of(resources, me, delegation_id)


def _hash(identity: Identity, citizen_id: uuid.UUID, code: str) -> bytes:
    # Keyed and bound to the citizen: a stolen table cannot be brute-forced, nor a code used for another.
    return identity.cipher.lookup_hash(f"assisted:{citizen_id}:{code}")


async def make_code(
    resources: Resources, identity: Identity, principal: Principal, data: AssistConsent
) -> AssistCodeView:
    """A new six-digit code for the citizen to read out (an older unused one stops working)."""
    me = principal.citizen_id
    assert me is not None
    code = f"{secrets.randbelow(1_000_000):06d}"
    scopes = ordered(list(data.scopes))
    async with resources.pool.acquire() as connection, connection.transaction():
        expires = await queries.replace_code(connection, me, _hash(identity, me, code), scopes, CODE_MINUTES)
        await record_access(
            connection,
            citizen_id=me,
            agency_id=None,
            connector_id=None,
            kind="delegation",
            actor_kind="citizen",
            actor_id=str(me),
            purpose=Said(
                f"คุณสร้างรหัสให้เจ้าหน้าที่ช่วยทำรายการแทนคุณ (ใช้ได้ {CODE_MINUTES} นาที ครั้งเดียว)",
                f"You made a code for counter staff to help you (valid {CODE_MINUTES} minutes, once)",
            ),
            fields=[Said(scope.label_th, scope.label_en) for scope in _scopes(scopes)],
            outcome="ok",
            detail=None,
        )
    return AssistCodeView(code=code, expires_at=expires, scopes=_scopes(scopes))


_WRONG_FIELD = "รหัสไม่ถูกต้อง ใช้ไปแล้ว หรือหมดอายุ · is wrong, used or expired"
_WRONG = "The code is wrong, used or expired: ask the person to make a new one in their app."


async def redeem(
    resources: Resources, identity: Identity, staff_id: uuid.UUID, data: AssistCodeEntry
) -> CounterSessionView:
    """The staff member types the code the citizen read out: help starts at once."""
    await identity.limiter.take(GUESSES, staff_id, "Too many codes tried: wait a few minutes.")
    citizen_id = await identity.citizen_id_for(resources, data.national_id)
    if citizen_id is None or citizen_id == staff_id:
        raise invalid("code", _WRONG_FIELD, detail=_WRONG)
    async with resources.pool.acquire() as checking, checking.transaction():
        found = await queries.open_code(checking, citizen_id, CODE_TRIES)
        right = found is not None and hmac.compare_digest(
            found.code_hash, _hash(identity, citizen_id, data.code)
        )
        if found is not None and not right:
            await queries.code_failed(checking, found.id)  # committed: the try counts
    if found is None or not right:
        raise invalid("code", _WRONG_FIELD, detail=_WRONG)
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        if await queries.open_code(connection, citizen_id, CODE_TRIES) is None:
            raise invalid("code", _WRONG_FIELD, detail=_WRONG)  # used meanwhile
        row = await _start(
            connection,
            citizen_id=citizen_id,
            staff_id=staff_id,
            scopes=found.scopes,
            service_point=data.service_point,
            active=True,
        )
        await queries.code_used(connection, found.id, row.id)
        event_id = await delegation_queries.add_event(connection, row.id, staff_id, "accepted", None, row)
        await notices.tell_of_assisted(work, row, event_id, "accepted", by_staff=True)
        await at_the_hour(work, row)
        assert row.ends_at is not None
        until = _time(row.ends_at)
        await _log(
            connection,
            row,
            by_staff=True,
            purpose=Said(
                f"เริ่มช่วยทำรายการแทนคุณด้วยรหัสที่คุณให้ ถึงเวลา {until.th}",
                f"started helping you with the code you gave, until {until.en}",
            ),
        )
    return await _session(resources, identity, staff_id, row.id)


async def sessions(resources: Resources, identity: Identity, staff_id: uuid.UUID) -> CounterSessions:
    """The staff member's requests and sessions of the last day."""
    await queries.lapse_for_staff(resources.pool, staff_id)
    rows = await queries.staff_sessions(resources.pool, staff_id)
    return CounterSessions(sessions=[_counter_view(identity, row) for row in rows])


async def _session(
    resources: Resources, identity: Identity, staff_id: uuid.UUID, delegation_id: uuid.UUID
) -> CounterSessionView:
    rows = await queries.staff_sessions(resources.pool, staff_id, delegation_id)
    if not rows:
        raise NotFound("No such session.")
    return _counter_view(identity, rows[0])


def _counter_view(identity: Identity, row: queries.CounterRow) -> CounterSessionView:
    agreed = row.accepted_at is not None
    return CounterSessionView(
        id=row.id,
        status=row.status,
        # The name once the citizen agreed; the national ID always masked.
        citizen_name_th=(row.name_th or row.name_en) if agreed else None,
        citizen_name_en=(row.name_en or row.name_th) if agreed else None,
        national_id_masked=mask_national_id(identity.cipher.decrypt(row.key_id, row.ciphertext)),
        scopes=_scopes(row.scopes),
        service_point=row.service_point,
        ends_at=row.ends_at,
    )
