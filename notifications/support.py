"""Support staff's side of notifications: answer "I never got it" in one look, and resend. The routes
are ``notifications.api.support``.

Searches go in a POST body so that a national ID never lands in a URL or an access log. Every
search, view and resend is written to the citizen's "who accessed my data" log; staff see national
IDs masked.
"""

from __future__ import annotations

import datetime as dt
import uuid

from backend.connectors import access_log
from backend.connectors.schemas import Said
from backend.core.crypto import mask_national_id
from backend.core.db import Db
from backend.core.errors import BadRequest, Conflict, NotFound
from backend.core.resources import Resources
from backend.core.tasks import unit_of_work
from backend.identity import queries as identity_queries
from backend.identity.service import Identity
from backend.support.lookups import look_up_citizen
from notifications.queries import messages
from notifications.queries import support as queries
from notifications.schemas import (
    CitizenMessages,
    Delivery,
    Device,
    FindCitizen,
    Found,
    FoundCitizen,
    Message,
    ResendRequest,
    Resent,
    Search,
)
from notifications.service import queue_deliveries

LOOK_FIELDS = [Said("ข้อความแจ้งเตือน", "notifications"), Said("อุปกรณ์", "devices")]


async def _record(
    db: Db, *, citizen_id: uuid.UUID, staff_id: uuid.UUID, purpose: Said, detail: Said | None
) -> None:
    await access_log.record_staff_look(
        db,
        citizen_id=citizen_id,
        staff_id=staff_id,
        purpose=purpose,
        fields=LOOK_FIELDS,
        detail=detail,
    )


async def search(resources: Resources, identity: Identity, staff_id: uuid.UUID, data: Search) -> list[Found]:
    if data.national_id is None and data.notification_id is None and data.agency_id is None:
        raise BadRequest("Search by national ID, message id or agency (with a status or times to narrow it).")
    citizen_id = None
    if data.national_id is not None:
        citizen_id = await identity.citizen_id_for(resources, data.national_id)
        if citizen_id is None:
            return []
    rows = await queries.support_search(
        resources.pool,
        citizen_id=citizen_id,
        notification_id=data.notification_id if data.notification_id else None,
        agency_id=data.agency_id,
        status=data.status,
        since=data.since,
        until=data.until,
        limit=data.limit,
    )
    async with resources.pool.acquire() as connection, connection.transaction():
        for seen in sorted({row.citizen_id for row in rows}):
            await _record(
                connection,
                citizen_id=seen,
                staff_id=staff_id,
                purpose=Said("เจ้าหน้าที่ค้นหาข้อความที่ส่งถึงคุณ", "Support staff searched messages sent to you"),
                detail=None,
            )
    return [
        Found(
            id=row.id,
            citizen_id=row.citizen_id,
            national_id_masked=mask_national_id(
                identity.cipher.decrypt(row.national_id_key_id, row.national_id_ciphertext)
            ),
            agency_id=row.agency_id,
            agency_name_th=row.agency_name_th,
            agency_name_en=row.agency_name_en,
            title_th=row.title_th,
            title_en=row.title_en,
            urgency=row.urgency,
            status=row.status,
            status_reason=row.status_reason,
            created_at=row.created_at,
            read_at=row.read_at,
            deleted_by_citizen=row.deleted_by_citizen,
        )
        for row in rows
    ]


async def find_citizen(
    resources: Resources, identity: Identity, staff_id: uuid.UUID, data: FindCitizen
) -> FoundCitizen:
    """The way in for "I paid but it says unpaid" too, when the citizen has had no message."""
    citizen_id = await identity.citizen_id_for(resources, data.national_id)
    citizen = None if citizen_id is None else await identity_queries.citizen(resources.pool, citizen_id)
    if citizen is None:
        raise NotFound("No one with this national ID has logged in to the app.")
    await access_log.record_staff_look(
        resources.pool,
        citizen_id=citizen.id,
        staff_id=staff_id,
        purpose=Said("เจ้าหน้าที่ค้นหาคุณด้วยเลขประจำตัวประชาชน", "Support staff looked you up by your national ID"),
        fields=[Said("เลขประจำตัวประชาชน (ปิดบางส่วน)", "national ID (masked)")],
    )
    return FoundCitizen(citizen_id=citizen.id, national_id_masked=mask_national_id(data.national_id))


async def citizen_messages(
    resources: Resources, identity: Identity, staff_id: uuid.UUID, citizen_id: uuid.UUID, limit: int
) -> CitizenMessages:
    citizen = await look_up_citizen(
        resources,
        identity,
        citizen_id,
        staff_id=staff_id,
        purpose=Said("เจ้าหน้าที่ดูข้อความและอุปกรณ์ของคุณ", "Support staff looked at your messages and devices"),
        fields=LOOK_FIELDS,
    )
    devices = await queries.devices_for_support(resources.pool, citizen.citizen_id)
    found = await queries.messages_for_support(resources.pool, citizen.citizen_id, limit)
    deliveries: dict[uuid.UUID, dict[int, Delivery]] = {}
    for row in await queries.attempts_for_support(resources.pool, [message.id for message in found]):
        by_id = deliveries.setdefault(row.notification_id, {})
        delivery = by_id.get(row.delivery_id)
        if delivery is None:
            delivery = by_id[row.delivery_id] = Delivery(
                id=row.delivery_id,
                device_id=row.subscription_id,
                push_service=row.endpoint_origin,
                status=row.delivery_status,
                updated_at=row.updated_at,
                attempts=[],
            )
        if row.attempt is not None:
            delivery.attempts.append(row.attempt)
    return CitizenMessages(
        citizen_id=citizen.citizen_id,
        national_id_masked=citizen.national_id_masked,
        devices=[
            Device(
                id=device.id,
                push_service=device.push_service,
                user_agent=device.user_agent,
                created_at=device.created_at,
                last_success_at=device.last_success_at,
                last_failure_at=device.last_failure_at,
                last_failure_reason=device.last_failure_reason,
                healthy=_healthy(device.last_success_at, device.last_failure_at),
            )
            for device in devices
        ],
        messages=[
            Message(
                id=message.id,
                agency_id=message.agency_id,
                agency_name_th=message.agency_name_th,
                agency_name_en=message.agency_name_en,
                title_th=message.title_th,
                title_en=message.title_en,
                body_th=message.body_th,
                body_en=message.body_en,
                urgency=message.urgency,
                status=message.status,
                status_reason=message.status_reason,
                created_at=message.created_at,
                read_at=message.read_at,
                deleted_by_citizen=message.deleted_by_citizen,
                deliveries=list(deliveries.get(message.id, {}).values()),
            )
            for message in found
        ],
    )


def _healthy(last_success: dt.datetime | None, last_failure: dt.datetime | None) -> bool:
    return last_failure is None or (last_success is not None and last_success > last_failure)


async def resend(
    resources: Resources, staff_id: uuid.UUID, notification_id: uuid.UUID, data: ResendRequest
) -> Resent:
    """Push a message again to the citizen's current devices. Quiet hours and opt-outs are not applied:
    the citizen asked support for this message now."""
    citizen_id = await messages.notification_owner(resources.pool, notification_id)
    if citizen_id is None:
        raise NotFound("No such message.")
    async with unit_of_work(resources.pool, resources.queue) as work:
        deliveries = await messages.create_deliveries_for(work.connection, [notification_id])
        if not deliveries:
            raise Conflict(
                "ประชาชนไม่มีอุปกรณ์ที่จะส่งไปได้ ข้อความอยู่ในกล่องข้อความในแอปแล้ว · "
                "The citizen has no devices to push to; the message is in their inbox."
            )
        await messages.set_notification_status(work.connection, notification_id, "sending", None)
        await queue_deliveries(
            work, [(delivery_id, message_id, None) for delivery_id, message_id in deliveries]
        )
        await _record(
            work.connection,
            citizen_id=citizen_id,
            staff_id=staff_id,
            purpose=Said(
                "เจ้าหน้าที่ส่งข้อความไปยังอุปกรณ์ของคุณอีกครั้ง", "Support staff pushed a message to your devices again"
            ),
            detail=Said(data.note, data.note),  # the staff member's own words, as written
        )
    return Resent(notification_id=notification_id, deliveries=len(deliveries))
