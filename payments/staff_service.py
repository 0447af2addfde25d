"""What staff decide about money: an agency asks for (part of) a payment back; a platform admin assigns
biller IDs; support staff resolve money that did not fit (accept it as the bill's payment, through
``settle_payment`` like a bank's, or refund it), record the bank's answer to a refund, and reconcile a
bank's settlement file. Every decision records who made it; the agency hears of refunds through its
webhook, queued in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Connection
from backend.core.errors import BadRequest, Conflict, NotFound
from backend.core.principal import Principal, citizen_of, require_agency_permission
from backend.core.resources import Resources
from backend.core.tasks import UnitOfWork, unit_of_work
from backend.identity import queries as identity_queries
from payments import queries, settlement_queries, staff_queries
from payments.reconcile import reconcile
from payments.rows import OpenException
from payments.schemas import (
    BillView,
    NewBiller,
    NewRefund,
    ReconciliationReport,
    RefundOutcome,
    RefundState,
    RefundView,
    Resolution,
    ResolutionResult,
)
from payments.service import REFUND_WEBHOOK_TASK, RefundRef, settle_payment

# --- agencies and platform admins ---------------------------------------------------------------


async def request_refund(resources: Resources, principal: Principal, data: NewRefund) -> RefundView:
    """A refund of a successful payment, by staff (or the system) of the agency the payment's bill is
    from, with its ``bills`` permission; never more than is left of the payment."""
    async with resources.pool.acquire() as connection, connection.transaction():
        payment = await staff_queries.refundable(connection, data.payment_id)
        if payment is None:
            raise NotFound("No successful payment has that id.")
        require_agency_permission(principal, payment.agency_id, "bills")  # the agency is the payment's
        if data.amount_satang > payment.left_satang:
            left = f"{payment.left_satang / 100:,.2f}"
            raise Conflict(
                f"คืนเงินรายการนี้ได้อีกไม่เกิน {left} บาท"
                f" · At most {left} baht of this payment can still be refunded."
            )
        refund_id = await staff_queries.insert_refund(
            connection,
            payment_id=data.payment_id,
            bank=payment.bank,
            amount_satang=data.amount_satang,
            reason=data.reason,
            requested_by=principal.citizen_id,
            requested_by_client=principal.client_id,
        )
    refund = await staff_queries.refund(resources.pool, refund_id)
    assert refund is not None
    return refund


async def assign_biller(
    resources: Resources, principal: Principal, agency_id: int, data: NewBiller
) -> list[str]:
    """The agency's biller IDs, with this one added."""
    if await identity_queries.agency_status(resources.pool, agency_id) is None:
        raise NotFound("No such agency.")
    if not await queries.assign_biller(resources.pool, data.biller_id, agency_id, principal.citizen_id):
        raise Conflict("รหัสผู้รับชำระนี้เป็นของหน่วยงานอื่น · This biller ID belongs to another agency.")
    return await queries.agency_biller_ids(resources.pool, agency_id)


async def agency_billers(resources: Resources, agency_id: int) -> list[str]:
    """The biller IDs the agency may issue bills under."""
    return await queries.agency_biller_ids(resources.pool, agency_id)


async def cancel_bill(resources: Resources, agency_id: int, bill_id: uuid.UUID) -> BillView:
    """An unpaid bill cancelled by its agency; a QR already on the citizen's phone stops being payable
    (money that still arrives is kept for support staff to refund, as for any cancelled bill)."""
    async with resources.pool.acquire() as connection, connection.transaction():
        status = await cancel_unpaid_bill(connection, agency_id, bill_id, "The agency cancelled the bill.")
        if status is None:
            raise NotFound("No such bill at this agency.")
        if status != "unpaid":
            raise Conflict(
                "ยกเลิกได้เฉพาะบิลที่ยังไม่ชำระ บิลที่ชำระแล้วให้ขอคืนเงิน"
                " · Only an unpaid bill can be cancelled; ask for a refund of a paid one."
            )
    bill = await queries.bill(resources.pool, bill_id)
    assert bill is not None
    return bill


async def cancel_unpaid_bill(
    connection: Connection, agency_id: int, bill_id: uuid.UUID, why: str
) -> str | None:
    """The one way a bill is cancelled (by its agency, or by the agency closing the application it was the
    fee of), in the caller's transaction: an unpaid bill is cancelled with its live payments, each with
    its event. Returns the status the bill had (``None``: not this agency's); only ``unpaid`` changes."""
    status = await queries.agency_bill_status_locked(connection, agency_id, bill_id)
    if status == "unpaid":
        for payment_id, before in await queries.cancel_bill(connection, bill_id):
            await queries.add_event(connection, payment_id, before, "cancelled", "system", why)
    return status


# --- support staff ------------------------------------------------------------------------------


async def resolve_exception(
    resources: Resources, principal: Principal, exception_id: int, data: Resolution
) -> ResolutionResult:
    staff_id = citizen_of(principal)
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        exception = await staff_queries.exception_locked(connection, exception_id)
        if exception is None or exception.status != "open":
            raise NotFound("No open exception with that id.")
        if data.action == "refund":
            refund_id = await staff_queries.insert_exception_refund(
                connection, exception, data.note, staff_id
            )
            await staff_queries.close_exception(
                connection, exception_id, "refund_requested", staff_id, data.note
            )
            return ResolutionResult(exception_id=exception_id, status="refund_requested", refund_id=refund_id)
        receipt_number = await _accept(work, exception, data.note)
        await staff_queries.close_exception(connection, exception_id, "accepted", staff_id, data.note)
        return ResolutionResult(exception_id=exception_id, status="accepted", receipt_number=receipt_number)


async def _accept(work: UnitOfWork, exception: OpenException, note: str) -> str:
    """The late or different amount is taken as the bill's payment, settled as a bank's would be."""
    if exception.kind not in staff_queries.ACCEPTABLE_KINDS or exception.payment_id is None:
        raise Conflict(
            "รับได้เฉพาะเงินที่เข้าช้าหรือยอดไม่ตรง รายการอื่นให้คืนเงิน"
            " · Only a late payment or a different amount can be accepted; refund the others."
        )
    bank_reference, paid_at = await settlement_queries.callback_facts(
        work.connection, exception.bank, exception.callback_id
    )
    settled = await settle_payment(
        work,
        exception.payment_id,
        amount_satang=exception.amount_satang,
        bank=exception.bank,
        bank_reference=bank_reference,
        source="support",
        detail=note[:300],
        paid_at=paid_at,  # the day the bank paid it, not the day support accepted it
    )
    if not settled.newly:  # this money came on top of money already accepted for the payment
        raise Conflict(
            "รายการนี้ชำระแล้ว ให้คืนเงินก้อนนี้แทน · The payment was already settled; refund this money instead."
        )
    return settled.receipt_number


async def settle_refund(resources: Resources, refund_id: uuid.UUID, data: RefundOutcome) -> RefundState:
    """The bank's answer to a refund; the agency is told. A refund of an exception's money the bank
    turned away opens the exception again: the money is still the citizen's."""
    async with unit_of_work(resources.pool, resources.queue) as work:
        row = await staff_queries.set_refund_state(work.connection, refund_id, data.state)
        if row is None:
            raise NotFound("No refund waiting for the bank's answer has that id.")
        if row.state == "error":
            await staff_queries.reopen_exception_of_refund(work.connection, refund_id)
        await work.add_task(REFUND_WEBHOOK_TASK, RefundRef(row.id))
    return row


async def import_settlement(
    resources: Resources,
    principal: Principal,
    body: bytes,
    *,
    bank: str,
    settlement_date: dt.date,
    file_name: str,
) -> ReconciliationReport:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest(
            "The settlement file must be UTF-8 text; convert it (e.g. from TIS-620) first."
        ) from exc
    report = await reconcile(
        resources.pool,
        bank=bank,
        settlement_date=settlement_date,
        file_name=file_name,
        text=text,
        imported_by=citizen_of(principal),
    )
    return msgspec.convert(report, ReconciliationReport)
