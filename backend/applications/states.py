"""Moving an application from one state to the next, and telling its citizen.

A state change is an event row that references the transitions table (the database refuses an illegal
move), the application's new state, and the citizen's inbox message with its pushes: one transaction,
the caller's. A fee's payment (payments feature) runs ``move_on_payment`` inside the payment's own
transaction, so "paid" and the money cannot disagree.
"""

from __future__ import annotations

import uuid

import asyncpg
import msgspec
import structlog

from backend.applications import queries
from backend.core.errors import Conflict
from backend.core.tasks import TaskKind, UnitOfWork
from notifications.service import enqueue_notification

_log = structlog.get_logger(__name__)


class ApplicationRef(msgspec.Struct, frozen=True):
    application_id: uuid.UUID


DELIVER_TASK = TaskKind("applications.deliver", ApplicationRef)
"""Send a submitted application to the agency's connector (handled by ``applications.tasks``)."""

# What the citizen is told at each step (title Thai, title English).
STEP_WORDS: dict[str, tuple[str, str]] = {
    "submitted": ("ได้รับคำขอของคุณแล้ว", "We received your application"),
    "in_review": ("เจ้าหน้าที่กำลังพิจารณาคำขอ", "Your application is being reviewed"),
    "more_information_requested": ("ต้องการข้อมูลเพิ่มเติม", "More information is needed"),
    "approved": ("คำขอได้รับการอนุมัติ", "Your application was approved"),
    "rejected": ("คำขอไม่ได้รับการอนุมัติ", "Your application was not approved"),
    "fee_due": ("กรุณาชำระค่าธรรมเนียม", "A fee is due"),
    "paid": ("ชำระค่าธรรมเนียมแล้ว", "Fee paid"),
    "document_issued": ("เอกสารของคุณพร้อมแล้ว", "Your document is ready"),
    "closed": ("ปิดคำขอแล้ว", "Application closed"),
}


async def change_state(
    work: UnitOfWork,
    application_id: uuid.UUID,
    to_state: str,
    actor_kind: str,
    actor_id: str | None,
    note: str | None,
    *,
    expect: str,
    url: str | None = None,
) -> int:
    """Event, state and the citizen's message in the caller's transaction (the event's id); Conflict when
    the move is not allowed from the state the application is in (or it changed meanwhile)."""
    connection = work.connection
    try:
        async with connection.transaction():
            event_id = await queries.move(
                connection,
                application_id,
                from_state=expect,
                to_state=to_state,
                actor_kind=actor_kind,
                actor_id=actor_id,
                note=note,
            )
    except asyncpg.ForeignKeyViolationError as exc:
        raise Conflict(
            f"An application that is {expect.replace('_', ' ')} cannot become {to_state.replace('_', ' ')}."
        ) from exc
    if event_id is None:
        raise Conflict("This application changed meanwhile; reload it and try again.")
    found = await queries.application(connection, application_id)
    assert found is not None
    title_th, title_en = STEP_WORDS[to_state]
    body_note = (
        f" {note}" if note and to_state in ("more_information_requested", "rejected", "fee_due") else ""
    )
    fee_th = fee_en = ""
    bill = await queries.bill_summary(connection, found.bill_id) if found.bill_id else None
    if to_state == "fee_due" and bill is not None:
        fee_th = f" ค่าธรรมเนียม {bill.amount_satang / 100:,.2f} บาท"
        fee_en = f" Fee: {bill.amount_satang / 100:,.2f} baht."
    await enqueue_notification(
        work,
        citizen_id=found.citizen_id,
        agency_id=found.agency_id,
        category="applications",
        template_id=None,
        texts={
            "title_th": title_th,
            "title_en": title_en,
            "body_th": f"{found.title_th} เลขที่ {found.tracking_number}{fee_th}{body_note}"[:1000],
            "body_en": f"{found.title_en}, tracking number {found.tracking_number}.{fee_en}{body_note}"[
                :1000
            ],
        },
        url=url or f"/applications/{application_id}",
        urgency="high" if to_state in ("more_information_requested", "fee_due") else "normal",
        ttl_seconds=7 * 86400,
        idempotency_key=f"application-event:{event_id}",
        request_hash=b"application event",
    )
    _log.info("application_moved", application_id=application_id, to_state=to_state, actor_kind=actor_kind)
    return event_id


FEE_PAID = "application_fee"
"""How an application's fee bill names ``move_on_payment`` (``bills.on_paid``, set by the database as the
application is given its bill: migration 0062)."""


async def move_on_payment(work: UnitOfWork, bill_id: uuid.UUID) -> None:
    """A paid fee moves its application from fee_due to paid (nothing happens for other bills).
    Called by payments' settlement, wired by the composition root (``backend.server.worker``)."""
    application_id = await queries.application_for_bill(work.connection, bill_id)
    if application_id is None:
        return
    locked = await queries.lock_application(work.connection, application_id)
    if locked is None or locked.state != "fee_due":
        _log.warning("application_fee_paid_out_of_step", application_id=application_id)
        return
    await change_state(work, application_id, "paid", "system", None, None, expect="fee_due")
