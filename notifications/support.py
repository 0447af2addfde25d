"""Support staff's side of notifications: answer "I never got it" in one look, and resend.

Searches go in a POST body so that a national ID never lands in a URL or an access log. Every
search, view and resend is written to the citizen's "who accessed my data" log; staff see national
IDs masked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_200_OK

from backend.connectors import queries as access_log
from backend.core.crypto import mask_national_id
from backend.core.db import Db
from backend.core.errors import BadRequest, Conflict, NotFound
from backend.core.principal import Principal, require_support_staff
from backend.core.resources import Resources
from backend.core.tasks import unit_of_work
from backend.core.text import refuse_hidden_text
from backend.identity import queries as identity_queries
from backend.identity.service import Identity
from backend.support.lookups import look_up_citizen
from notifications import queries
from notifications.service import queue_deliveries

Status = Literal[
    "created",
    "sending",
    "delivered",
    "temporary-failure",
    "permanent-failure",
    "technical-failure",
    "cancelled",
    "suppressed",
]
_MAX_RESULTS = 100


class Search(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    national_id: str | None = None
    notification_id: uuid.UUID | None = None
    agency_id: int | None = None
    status: Status | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=_MAX_RESULTS)] = 50


class Found(msgspec.Struct, kw_only=True):
    id: str
    citizen_id: str
    national_id_masked: str
    agency_id: int
    agency_name_en: str
    title_en: str
    urgency: str
    status: str
    status_reason: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    deleted_by_citizen: bool


class Attempt(msgspec.Struct, kw_only=True):
    attempt: int
    status_code: int | None
    outcome: str
    reason: str
    at: dt.datetime


class Delivery(msgspec.Struct, kw_only=True):
    id: int
    device_id: str | None
    push_service: str
    status: str
    updated_at: dt.datetime
    attempts: list[Attempt]


class Message(msgspec.Struct, kw_only=True):
    id: str
    agency_id: int
    agency_name_en: str
    title_th: str
    title_en: str
    body_th: str | None
    body_en: str | None
    urgency: str
    status: str
    status_reason: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    deleted_by_citizen: bool
    deliveries: list[Delivery]


class Device(msgspec.Struct, kw_only=True):
    id: str
    push_service: str
    user_agent: str
    created_at: dt.datetime
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    last_failure_reason: str | None
    healthy: bool


class CitizenMessages(msgspec.Struct, kw_only=True):
    citizen_id: str
    national_id_masked: str
    devices: list[Device]
    messages: list[Message]


class ResendRequest(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class Resent(msgspec.Struct, kw_only=True):
    notification_id: str
    deliveries: int


LOOK_FIELDS = ["notifications", "devices"]


async def _record(db: Db, *, citizen_id: str, staff_id: str, purpose: str, detail: str | None) -> None:
    await access_log.record_staff_look(
        db,
        citizen_id=citizen_id,
        staff_id=staff_id,
        purpose=purpose,
        fields=LOOK_FIELDS,
        detail=detail,
    )


@post(
    "/api/v1/support/notifications/search",
    tags=["support"],
    summary="Find messages by national ID, message id, agency, status and time",
    status_code=HTTP_200_OK,
)
async def search(
    data: Annotated[Search, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> list[Found]:
    staff_id = require_support_staff(principal)
    if data.national_id is None and data.notification_id is None and data.agency_id is None:
        raise BadRequest("Search by national ID, message id or agency (with a status or times to narrow it).")
    citizen_id = None
    if data.national_id is not None:
        citizen_id = await identity.citizen_id_for(resources, data.national_id)
        if citizen_id is None:
            return []
    filters = {
        "citizen_id": citizen_id,
        "notification_id": str(data.notification_id) if data.notification_id else None,
        "agency_id": data.agency_id,
        "status": data.status,
        "since": data.since,
        "until": data.until,
    }
    rows = await queries.support_search(resources.pool, filters, data.limit)
    async with resources.pool.acquire() as connection, connection.transaction():
        for seen in sorted({row["citizen_id"] for row in rows}):
            await _record(
                connection,
                citizen_id=seen,
                staff_id=staff_id,
                purpose="Support staff searched messages sent to you",
                detail=None,
            )
    return [
        Found(
            national_id_masked=mask_national_id(
                identity.cipher.decrypt(row.pop("national_id_key_id"), row.pop("national_id_ciphertext"))
            ),
            **row,
        )
        for row in rows
    ]


class FindCitizen(msgspec.Struct, forbid_unknown_fields=True):
    national_id: str


class FoundCitizen(msgspec.Struct, kw_only=True):
    citizen_id: str
    national_id_masked: str


@post(
    "/api/v1/support/citizens/find",
    tags=["support"],
    summary="Find a citizen by national ID (in the body, never the URL); the look-up is recorded",
    status_code=HTTP_200_OK,
)
async def find_citizen(
    data: Annotated[FindCitizen, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> FoundCitizen:
    """The way in for "I paid but it says unpaid" too, when the citizen has had no message."""
    staff_id = require_support_staff(principal)
    citizen_id = await identity.citizen_id_for(resources, data.national_id)
    citizen = None if citizen_id is None else await identity_queries.citizen_by_id(resources.pool, citizen_id)
    if citizen is None:
        raise NotFound("No one with this national ID has logged in to the app.")
    await access_log.record_staff_look(
        resources.pool,
        citizen_id=citizen["id"],
        staff_id=staff_id,
        purpose="Support staff looked you up by your national ID",
        fields=["national_id (masked)"],
    )
    return FoundCitizen(
        citizen_id=citizen["id"],
        national_id_masked=mask_national_id(data.national_id),
    )


@get(
    "/api/v1/support/citizens/{citizen_id:uuid}/notifications",
    tags=["support"],
    summary="One citizen's devices and messages, each delivery attempt and its reason",
)
async def citizen_messages(
    citizen_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    limit: Annotated[int, QueryParameter(ge=1, le=_MAX_RESULTS)] = 20,
) -> CitizenMessages:
    staff_id = require_support_staff(principal)
    citizen = await look_up_citizen(
        resources,
        identity,
        str(citizen_id),
        staff_id=staff_id,
        purpose="Support staff looked at your messages and devices",
        fields=LOOK_FIELDS,
    )
    devices = await queries.devices_for_support(resources.pool, citizen.citizen_id)
    messages = await queries.messages_for_support(resources.pool, citizen.citizen_id, limit)
    attempt_rows = await queries.attempts_for_support(resources.pool, [m["id"] for m in messages])
    deliveries: dict[str, dict[int, Delivery]] = {}
    for row in attempt_rows:
        by_id = deliveries.setdefault(row["notification_id"], {})
        delivery = by_id.get(row["delivery_id"])
        if delivery is None:
            delivery = by_id[row["delivery_id"]] = Delivery(
                id=row["delivery_id"],
                device_id=row["subscription_id"],
                push_service=row["endpoint_origin"],
                status=row["delivery_status"],
                updated_at=row["updated_at"],
                attempts=[],
            )
        if row["attempt"] is not None:
            delivery.attempts.append(msgspec.convert(row, Attempt))
    return CitizenMessages(
        citizen_id=citizen.citizen_id,
        national_id_masked=citizen.national_id_masked,
        devices=[
            Device(**device, healthy=_healthy(device["last_success_at"], device["last_failure_at"]))
            for device in devices
        ],
        messages=[
            Message(**message, deliveries=list(deliveries.get(message["id"], {}).values()))
            for message in messages
        ],
    )


def _healthy(last_success: dt.datetime | None, last_failure: dt.datetime | None) -> bool:
    return last_failure is None or (last_success is not None and last_success > last_failure)


@post(
    "/api/v1/support/notifications/{notification_id:uuid}/resend",
    tags=["support"],
    summary="Push a message again to the citizen's current devices",
    status_code=HTTP_200_OK,
)
async def resend(
    notification_id: FromPath[uuid.UUID],
    data: Annotated[ResendRequest, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Resent:
    refuse_hidden_text(data)
    staff_id = require_support_staff(principal)
    message_id = str(notification_id)
    citizen_id = await queries.notification_owner(resources.pool, message_id)
    if citizen_id is None:
        raise NotFound("No such message.")
    # Quiet hours and opt-outs are not applied: the citizen asked support for this message now.
    async with unit_of_work(resources.pool, resources.queue) as work:
        delivery_ids = [
            delivery_id
            for delivery_id, _ in await queries.create_deliveries_for(work.connection, [message_id])
        ]
        if not delivery_ids:
            raise Conflict("The citizen has no devices to push to; the message is in their inbox.")
        await queries.set_notification_status(work.connection, message_id, "sending", None)
        await queue_deliveries(work, [(delivery_id, None) for delivery_id in delivery_ids])
        await _record(
            work.connection,
            citizen_id=citizen_id,
            staff_id=staff_id,
            purpose="Support staff pushed a message to your devices again",
            detail=data.note,
        )
    return Resent(notification_id=message_id, deliveries=len(delivery_ids))


SUPPORT_NOTIFICATION_ROUTES = [find_citizen, search, citizen_messages, resend]
