"""Granting: a citizen invites another (by national ID) to act for them in named scopes until a date at
most a year away; the invitee accepts or declines in their own app; either ends it at any time; the
grantor renews it. Each change is a ``delegation_events`` row (who, when, why) written in the same
transaction as a record in the grantor's "who accessed my data", worded from the grantor's point of view
and naming the delegate, and as the inbox notices of the change (``notices``; see docs/delegation.md).

The caller is always a person (the router's guard): support staff and agencies have no way to create a
grant, and step-up for granting and renewing is the router's guard too.
"""

from __future__ import annotations

import datetime as dt
import uuid

from backend.connectors.access_log import record_access
from backend.connectors.schemas import Said
from backend.core.dates import THAILAND, english_date, thai_date
from backend.core.db import Connection
from backend.core.errors import Conflict, NotFound, invalid
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.core.tasks import unit_of_work
from backend.delegation import notices, queries
from backend.delegation.schemas import (
    SCOPE_WORDS,
    DelegationEventView,
    DelegationRow,
    Delegations,
    DelegationView,
    Ending,
    NewDelegation,
    PersonView,
    Renewal,
    Scope,
    ScopeView,
)
from backend.identity.service import Identity


class TooManyDelegations(Conflict):
    problem_type = "too-many-delegations"
    title = "This person acts for as many people as one may"


ALL_SCOPES = [ScopeView(key, th, en) for key, (th, en) in SCOPE_WORDS.items()]
_OPEN = ("invited", "active")


def today() -> dt.date:
    return dt.datetime.now(THAILAND).date()


def latest_end(day: dt.date) -> dt.date:
    """A year after ``day`` (28 February for a grant made on 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _check_end(ends_on: dt.date) -> None:
    day = today()
    if ends_on < day:
        raise invalid("ends_on", "is in the past", detail="The end date must be today or later.")
    if ends_on > latest_end(day):
        raise invalid(
            "ends_on", "is more than a year away", detail="The end date may be at most a year away."
        )


def ordered(scopes: list[str]) -> list[Scope]:
    return [key for key in SCOPE_WORDS if key in scopes]


def _name(th: str | None, en: str | None) -> PersonView:
    return PersonView(th or en or "ผู้ใช้แอป", en or th or "an app user")


def _words(scopes: list[str]) -> list[Said]:
    return [Said(*SCOPE_WORDS[key]) for key in ordered(scopes)]


async def _log(
    connection: Connection, row: DelegationRow, *, by_delegate: bool, purpose: Said, reason: str = ""
) -> None:
    """A record in the grantor's log; ``by_delegate`` names the delegate as the one who did it."""
    await record_access(
        connection,
        citizen_id=row.grantor_id,
        agency_id=None,
        connector_id=None,
        kind="delegation",
        actor_kind=("assisted" if row.kind == "assisted" else "delegate") if by_delegate else "citizen",
        actor_id=str(row.delegate_id if by_delegate else row.grantor_id),
        purpose=purpose,
        fields=_words(row.scopes),
        outcome="ok",
        detail=Said(f"เหตุผล: {reason}", f"Reason: {reason}") if reason else _where(row),
    )


def _where(row: DelegationRow) -> Said | None:
    """Where counter staff helped (an assisted grant), as every assisted record says."""
    point = row.service_point
    return Said(f"ช่วยที่เคาน์เตอร์: {point}", f"helped at the counter: {point}") if point else None


def _until(row: DelegationRow) -> Said:
    return Said(f"ถึงวันที่ {thai_date(row.ends_on)}", f"until {english_date(row.ends_on)}")


async def invite(
    resources: Resources, identity: Identity, principal: Principal, data: NewDelegation
) -> DelegationView:
    grantor_id = citizen_of(principal)
    _check_end(data.ends_on)
    delegate_id = await identity.citizen_id_for(resources, data.national_id)
    if delegate_id is None:
        raise invalid(
            "national_id",
            "has not used the app",
            detail="This person has not logged in to the app yet: ask them to log in once, then try again.",
        )
    if delegate_id == grantor_id:
        raise invalid("national_id", "is your own", detail="You cannot ask yourself to act for you.")
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        await queries.expire_past_end(connection, grantor_id, today())
        await within_limit(connection, resources, delegate_id)
        made = await queries.insert_delegation(
            connection,
            grantor_id=grantor_id,
            delegate_id=delegate_id,
            scopes=ordered(list(data.scopes)),
            ends_on=data.ends_on,
        )
        if made is None:
            raise Conflict("This person already acts for you, or has your invitation: renew or end that one.")
        row = await queries.delegation_for(connection, made, grantor_id)
        assert row is not None
        event_id = await queries.add_event(connection, made, grantor_id, "invited", data.reason, row)
        await notices.tell_of_change(work, row, event_id, "invited", by_delegate=False)
        name, until = _name(row.delegate_name_th, row.delegate_name_en), _until(row)
        await _log(
            connection,
            row,
            by_delegate=False,
            purpose=Said(
                f"คุณขอให้ {name.name_th} ทำแทนคุณ {until.th}",
                f"You asked {name.name_en} to act for you {until.en}",
            ),
            reason=data.reason,
        )
    return await _view_of(resources, grantor_id, made)


async def within_limit(
    connection: Connection, resources: Resources, delegate_id: uuid.UUID, *, lock: bool = True
) -> None:
    """A citizen acts for at most ``DELEGATIONS_PER_DELEGATE`` people at once (asked or accepted, and
    parents' and guardians' grants alike). The delegate's row is locked so that two requests at once
    cannot both take the last place (``lock=False``: an early look, outside a transaction)."""
    if lock:
        await queries.lock_delegate(connection, delegate_id)
    limit = resources.settings.delegations_per_delegate
    if await queries.open_grants_of_delegate(connection, delegate_id, today()) >= limit:
        raise TooManyDelegations(f"This person already acts for {limit} people, the most one person may.")


async def _locked(connection: Connection, delegation_id: uuid.UUID, citizen_id: uuid.UUID) -> DelegationRow:
    row = await queries.delegation_for(connection, delegation_id, citizen_id, lock=True)
    if row is None:
        raise NotFound("No such delegation.")
    lapsed = row.ends_at is not None and row.ends_at <= dt.datetime.now(dt.UTC)
    if row.status in _OPEN and (row.ends_on < today() or lapsed):
        await queries.close(connection, row.id, "ended")
        raise Conflict("This delegation has already ended.")
    return row


async def accept(resources: Resources, principal: Principal, delegation_id: uuid.UUID) -> DelegationView:
    """The invitee says yes; only they can."""
    me = citizen_of(principal)
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        row = await _locked(connection, delegation_id, me)
        if row.delegate_id != me or row.kind == "assisted":  # only the citizen starts assisted help
            raise NotFound("No such delegation.")
        if row.status != "invited":
            raise Conflict("This invitation is no longer open.")
        await queries.accept(connection, row.id)
        event_id = await queries.add_event(connection, row.id, me, "accepted", None, row)
        await notices.tell_of_change(work, row, event_id, "accepted", by_delegate=True)
        await _log(
            connection,
            row,
            by_delegate=True,
            purpose=Said(f"ตอบรับทำแทนคุณ {_until(row).th}", f"agreed to act for you {_until(row).en}"),
        )
    return await _view_of(resources, me, delegation_id)


async def end(
    resources: Resources, principal: Principal, delegation_id: uuid.UUID, data: Ending
) -> DelegationView:
    """Either of the two ends it (an invitee ending an invitation declines it); it holds no more from
    the next request on."""
    me = citizen_of(principal)
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        row = await _locked(connection, delegation_id, me)
        if row.status not in _OPEN:
            raise Conflict("This delegation has already ended.")
        by_delegate = row.delegate_id == me
        declined = by_delegate and row.status == "invited"
        await queries.close(connection, row.id, "declined" if declined else "ended")
        kind = "declined" if declined else "ended"
        event_id = await queries.add_event(connection, row.id, me, kind, data.reason, row)
        await notices.tell_of_change(work, row, event_id, kind, by_delegate=by_delegate)
        name = _name(row.delegate_name_th, row.delegate_name_en)
        if declined:
            purpose = Said("ปฏิเสธคำขอให้ทำแทนคุณ", "declined to act for you")
        elif by_delegate and row.kind == "assisted":
            purpose = Said("จบการช่วยทำรายการแทนคุณแล้ว", "stopped helping you")
        elif by_delegate:
            purpose = Said("เลิกทำแทนคุณแล้ว", "stopped acting for you")
        else:
            purpose = Said(
                f"คุณยกเลิกการให้ {name.name_th} ทำแทนคุณ", f"You ended {name.name_en}'s right to act for you"
            )
        await _log(connection, row, by_delegate=by_delegate, purpose=purpose, reason=data.reason)
    return await _view_of(resources, me, delegation_id)


async def renew(
    resources: Resources, principal: Principal, delegation_id: uuid.UUID, data: Renewal
) -> DelegationView:
    """The grantor moves the end date (at most a year from today) and may change the scopes."""
    me = citizen_of(principal)
    _check_end(data.ends_on)
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        row = await _locked(connection, delegation_id, me)
        if row.grantor_id != me:
            raise NotFound("No such delegation.")
        if row.status not in _OPEN:
            raise Conflict("This delegation has already ended: ask them again instead.")
        if row.kind == "assisted":
            raise Conflict("Help at a counter lasts one hour and cannot be renewed: start it again.")
        elif row.kind != "chosen":
            raise Conflict("A parent's or guardian's right ends by the registry's rule, not by renewal.")
        scopes = ordered(list(data.scopes)) if data.scopes is not None else row.scopes
        await queries.renew(connection, row.id, scopes, data.ends_on)
        renewed = await queries.delegation_for(connection, row.id, me)
        assert renewed is not None
        event_id = await queries.add_event(connection, row.id, me, "renewed", data.reason, renewed)
        await notices.tell_of_change(work, renewed, event_id, "renewed", by_delegate=False)
        name = _name(row.delegate_name_th, row.delegate_name_en)
        await _log(
            connection,
            renewed,
            by_delegate=False,
            purpose=Said(
                f"คุณต่ออายุการให้ {name.name_th} ทำแทนคุณ {_until(renewed).th}",
                f"You renewed {name.name_en}'s right to act for you {_until(renewed).en}",
            ),
            reason=data.reason,
        )
    return await _view_of(resources, me, delegation_id)


async def listing(resources: Resources, principal: Principal) -> Delegations:
    me = citizen_of(principal)
    day = today()
    await queries.expire_past_end(resources.pool, me, day)
    rows = await queries.delegations_of(resources.pool, me)
    views = await _views(resources, me, rows)
    return Delegations(
        given=[view for view in views if view.direction == "given"],
        received=[view for view in views if view.direction == "received"],
        scopes=ALL_SCOPES,
        latest_end=latest_end(day),
    )


async def _view_of(resources: Resources, me: uuid.UUID, delegation_id: uuid.UUID) -> DelegationView:
    row = await queries.delegation_for(resources.pool, delegation_id, me)
    if row is None:
        raise NotFound("No such delegation.")
    [view] = await _views(resources, me, [row])
    return view


async def _views(resources: Resources, me: uuid.UUID, rows: list[DelegationRow]) -> list[DelegationView]:
    events = await queries.events_of(resources.pool, [row.id for row in rows])
    by_scope = {scope.key: scope for scope in ALL_SCOPES}
    return [
        DelegationView(
            id=row.id,
            kind=row.kind,
            direction="given" if row.grantor_id == me else "received",
            other=(
                _name(row.delegate_name_th, row.delegate_name_en)
                if row.grantor_id == me
                else _name(row.grantor_name_th, row.grantor_name_en)
            ),
            scopes=[by_scope[key] for key in ordered(row.scopes)],
            status=row.status,
            ends_on=row.ends_on,
            created_at=row.created_at,
            accepted_at=row.accepted_at,
            ended_at=row.ended_at,
            events=[
                DelegationEventView(event.at, event.kind, event.actor_id == me, event.reason, event.ends_on)
                for event in events
                if event.delegation_id == row.id
            ],
            ends_at=row.ends_at,
            service_point=row.service_point,
        )
        for row in rows
    ]
