"""What each caller is shown, read-only: a citizen's bills, payments and receipts (a receipt's QR and
printable page), anyone's check that a receipt is genuine, an agency's bills and refunds, and support
staff's view of money that did not fit and of one citizen's payment history (each look-up recorded in
that citizen's "who accessed my data"). Money that moves is ``payments.service``'s."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.connectors.schemas import Said
from backend.core import pagination
from backend.core.crypto import NationalIdCipher, mask_national_id
from backend.core.errors import NotFound, invalid
from backend.core.principal import Principal, citizen_of
from backend.core.qr import ImageFormat, qr_image
from backend.core.resources import Resources
from backend.identity import queries as identity_queries
from backend.identity.service import Identity
from backend.support.lookups import look_up_citizen
from payments import queries, staff_queries
from payments.receipt_page import render_receipt, verification_url
from payments.rows import AgencyBillRow, BillPlace, PaymentRow, ReceiptRow, SupportBill
from payments.schemas import (
    AgencyBill,
    AgencyBillsPage,
    BillHistory,
    BillStatus,
    BillSummary,
    BillView,
    CitizenPayments,
    ExceptionView,
    PaidBy,
    PaymentAttempt,
    PaymentEvent,
    PaymentView,
    ReceiptSummary,
    ReceiptVerification,
    ReceiptView,
    RefundView,
    StatusTotal,
    WaitingRefund,
)

_MAX_BILLS = 100  # a citizen's newest bills shown to support staff
_MAX_WAITING_REFUNDS = 200  # more than a day's worth; the oldest come first


async def national_id_hash(resources: Resources, identity: Identity, citizen_id: uuid.UUID) -> bytes:
    """The keyed hash of the citizen's national ID, which their bills are issued against."""
    row = await identity_queries.citizen(resources.pool, citizen_id)
    if row is None:
        raise NotFound("Your account no longer exists.")
    national_id = identity.cipher.decrypt(row.national_id_key_id, row.national_id_ciphertext)
    return identity.cipher.lookup_hash(national_id)


def payment_view(row: PaymentRow, receipt: ReceiptRow | None, public_url: str) -> PaymentView:
    base = f"/api/v1/payments/{row.id}"
    return PaymentView(
        id=row.id,
        bill_id=row.bill_id,
        amount_satang=row.amount_satang,
        state=row.state,
        qr_payload=row.qr_payload,
        expires_at=row.expires_at,
        created_at=row.created_at,
        completed_at=row.completed_at,
        qr_svg_url=f"{base}/qr.svg",
        qr_png_url=f"{base}/qr.png",
        receipt=receipt_view(receipt, public_url) if receipt else None,
    )


def receipt_view(row: ReceiptRow, public_url: str) -> ReceiptView:
    return ReceiptView(
        id=row.id,
        number=row.number,
        amount_satang=row.amount_satang,
        paid_at=row.paid_at,
        bank=row.bank,
        bill_id=row.bill_id,
        agency_code=row.agency_code,
        agency_name_th=row.agency_name_th,
        agency_name_en=row.agency_name_en,
        description_th=row.description_th,
        description_en=row.description_en,
        verification_url=verification_url(public_url, row),
    )


# --- citizens -----------------------------------------------------------------------------------


async def my_bills(
    resources: Resources,
    identity: Identity,
    principal: Principal,
    status: BillStatus | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[BillView], str | None]:
    """A page of the citizen's bills and the cursor of the next page, if there is one."""
    hashed = await national_id_hash(resources, identity, citizen_of(principal))
    after = pagination.position(cursor, _bill_place, what="this list of bills") if cursor else None
    rows = await queries.bills_for(resources.pool, hashed, status, after, limit + 1)
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = None
    if last is not None:
        next_cursor = pagination.cursor(
            int(last.status != "unpaid"), last.due_date.isoformat(), last.created_at.isoformat(), last.id
        )
    return rows[:limit], next_cursor


def _bill_place(parts: list[str]) -> BillPlace:
    settled, due_date, created_at, bill_id = parts
    return BillPlace(
        settled=bool(int(settled)),
        due_date=dt.date.fromisoformat(due_date),
        created_at=_aware(created_at),
        id=uuid.UUID(bill_id),
    )


def _aware(text: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise ValueError(text)
    return when


async def my_payment(resources: Resources, principal: Principal, payment_id: uuid.UUID) -> PaymentRow:
    row = await queries.payment(resources.pool, payment_id)
    if row is None or row.citizen_id != principal.citizen_id:
        raise NotFound("No such payment.")  # another citizen's payment is simply not there
    return row


async def payment_state(resources: Resources, principal: Principal, payment_id: uuid.UUID) -> PaymentView:
    row = await my_payment(resources, principal, payment_id)
    receipt = await queries.receipt_for_payment(resources.pool, row.id) if row.state == "success" else None
    return payment_view(row, receipt, resources.settings.public_url)


async def payment_qr(
    resources: Resources, principal: Principal, payment_id: uuid.UUID, kind: ImageFormat
) -> bytes:
    row = await my_payment(resources, principal, payment_id)
    return await qr_image(resources.redis, row.qr_payload, kind)


async def my_receipts(
    resources: Resources, identity: Identity, principal: Principal, cursor: str | None, limit: int
) -> tuple[list[ReceiptView], str | None]:
    """A page of the citizen's receipts, newest first, and the cursor of the next page, if any."""
    hashed = await national_id_hash(resources, identity, citizen_of(principal))
    after = pagination.position(cursor, _receipt_place, what="this list of receipts") if cursor else None
    rows = await queries.receipts_for(resources.pool, hashed, after, limit + 1)
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = pagination.cursor(last.paid_at.isoformat(), last.id) if last else None
    return [receipt_view(row, resources.settings.public_url) for row in rows[:limit]], next_cursor


def _receipt_place(parts: list[str]) -> tuple[dt.datetime, uuid.UUID]:
    paid_at, receipt_id = parts
    return _aware(paid_at), uuid.UUID(receipt_id)


async def _my_receipt(
    resources: Resources, identity: Identity, principal: Principal, receipt_id: uuid.UUID
) -> tuple[ReceiptRow, str, str]:
    """The receipt, if it is the citizen's, with the payer's name and masked national ID."""
    citizen = await identity_queries.citizen(resources.pool, citizen_of(principal))
    if citizen is None:
        raise NotFound("No such receipt.")
    national_id = identity.cipher.decrypt(citizen.national_id_key_id, citizen.national_id_ciphertext)
    row = await queries.receipt_of(resources.pool, receipt_id, identity.cipher.lookup_hash(national_id))
    if row is None:
        raise NotFound("No such receipt.")  # another citizen's receipt is simply not there
    return row, citizen.name_th or citizen.name_en or "", mask_national_id(national_id)


async def receipt_qr(
    resources: Resources, identity: Identity, principal: Principal, receipt_id: uuid.UUID
) -> bytes:
    row, _, _ = await _my_receipt(resources, identity, principal, receipt_id)
    return await qr_image(resources.redis, verification_url(resources.settings.public_url, row), "svg")


async def receipt_page(
    resources: Resources, identity: Identity, principal: Principal, receipt_id: uuid.UUID
) -> str:
    row, payer_name, payer_masked = await _my_receipt(resources, identity, principal, receipt_id)
    return render_receipt(
        row, payer_name=payer_name, payer_masked=payer_masked, public_url=resources.settings.public_url
    )


# --- anyone -------------------------------------------------------------------------------------


async def verify_receipt(resources: Resources, code: str) -> ReceiptVerification:
    row = await queries.receipt_by_code(resources.pool, code)
    if row is None:
        raise NotFound("No receipt has this verification code: it is not genuine.")
    return ReceiptVerification(
        genuine=True,
        number=row.number,
        amount_satang=row.amount_satang,
        paid_at=row.paid_at,
        agency_name_th=row.agency_name_th,
        agency_name_en=row.agency_name_en,
        description_th=row.description_th,
        description_en=row.description_en,
    )


# --- agencies -----------------------------------------------------------------------------------


async def agency_bills(
    resources: Resources,
    cipher: NationalIdCipher,
    agency_id: int,
    status: BillStatus | None,
    before: uuid.UUID | None,
    limit: int,
) -> AgencyBillsPage:
    position = None
    if before is not None:
        position = await staff_queries.agency_bill_position(resources.pool, agency_id, before)
        if position is None:
            raise invalid("before", "is not a bill of this agency")
    rows = await staff_queries.agency_bills(resources.pool, agency_id, status, position, limit + 1)
    totals = await staff_queries.agency_bill_totals(resources.pool, agency_id)

    def total(status: BillStatus) -> StatusTotal:
        count, satang = totals.get(status, (0, 0))
        return StatusTotal(count=count, total_satang=satang)

    items = [_agency_bill(cipher, row) for row in rows[:limit]]
    return AgencyBillsPage(
        items=items,
        next_before=items[-1].id if len(rows) > limit else None,
        summary=BillSummary(unpaid=total("unpaid"), paid=total("paid"), cancelled=total("cancelled")),
    )


def _agency_bill(cipher: NationalIdCipher, row: AgencyBillRow) -> AgencyBill:
    fields = msgspec.structs.asdict(row)
    for sealed in ("delegate_name_th", "delegate_name_en", "delegate_key_id", "delegate_ciphertext"):
        del fields[sealed]
    if row.delegate_key_id is not None and row.delegate_ciphertext is not None:
        fields["paid_by"] = PaidBy(
            name_th=row.delegate_name_th,
            name_en=row.delegate_name_en,
            national_id_masked=mask_national_id(cipher.decrypt(row.delegate_key_id, row.delegate_ciphertext)),
        )
    return AgencyBill(**fields)


async def agency_refunds(resources: Resources, agency_id: int) -> list[RefundView]:
    return await staff_queries.agency_refunds(resources.pool, agency_id)


# --- support staff ------------------------------------------------------------------------------


async def open_exceptions(resources: Resources) -> list[ExceptionView]:
    return await staff_queries.open_exceptions(resources.pool)


async def waiting_refunds(resources: Resources) -> list[WaitingRefund]:
    return await staff_queries.waiting_refunds(resources.pool, _MAX_WAITING_REFUNDS)


async def citizen_payments(
    resources: Resources, identity: Identity, principal: Principal, citizen_id: uuid.UUID
) -> CitizenPayments:
    """Recorded in the citizen's "who accessed my data"; the national ID shown masked."""
    citizen = await look_up_citizen(
        resources,
        identity,
        citizen_id,
        staff_id=citizen_of(principal),
        purpose=Said("เจ้าหน้าที่ดูบิลและการชำระเงินของคุณ", "Support staff looked at your bills and payments"),
        fields=[Said("บิล", "bills"), Said("การชำระเงิน", "payments"), Said("ใบเสร็จ", "receipts")],
    )
    pool = resources.pool
    bills = await staff_queries.support_bills(pool, citizen.citizen_id, _MAX_BILLS)
    bill_ids = [bill.id for bill in bills]
    payments = await staff_queries.support_payments(pool, bill_ids)
    events = await staff_queries.support_payment_events(pool, [payment.id for _, payment in payments])
    receipts = await staff_queries.support_receipts(pool, bill_ids)
    refunds = await staff_queries.support_refunds(pool, bill_ids)
    return CitizenPayments(
        citizen_id=citizen.citizen_id,
        national_id_masked=citizen.national_id_masked,
        bills=_histories(bills, payments, events, receipts, refunds),
    )


def _histories(
    bills: list[SupportBill],
    payments: list[tuple[uuid.UUID, PaymentAttempt]],
    events: list[tuple[uuid.UUID, PaymentEvent]],
    receipts: list[tuple[uuid.UUID, ReceiptSummary]],
    refunds: list[tuple[uuid.UUID, RefundView]],
) -> list[BillHistory]:
    events_of: dict[uuid.UUID, list[PaymentEvent]] = {}
    for payment_id, event in events:
        events_of.setdefault(payment_id, []).append(event)
    payments_of: dict[uuid.UUID, list[PaymentAttempt]] = {}
    for bill_id, attempt in payments:
        attempt.events = events_of.get(attempt.id, [])
        payments_of.setdefault(bill_id, []).append(attempt)
    receipts_of: dict[uuid.UUID, list[ReceiptSummary]] = {}
    for bill_id, receipt in receipts:
        receipts_of.setdefault(bill_id, []).append(receipt)
    refunds_of: dict[uuid.UUID, list[RefundView]] = {}
    for bill_id, refund in refunds:
        refunds_of.setdefault(bill_id, []).append(refund)
    return [
        BillHistory(
            **msgspec.structs.asdict(bill),
            payments=payments_of.get(bill.id, []),
            receipts=receipts_of.get(bill.id, []),
            refunds=refunds_of.get(bill.id, []),
        )
        for bill in bills
    ]
