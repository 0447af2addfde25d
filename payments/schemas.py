"""The payments feature's msgspec Structs: what requests carry and what responses show, in the field
order the OpenAPI document (and the PWA's generated types) list. The rows queries return that are not
shown as they are: ``payments.rows``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from backend.core.input import Input, Money, NationalId

BillStatus = Literal["unpaid", "paid", "cancelled"]  # as the bills.status CHECK
ReconciliationKind = Literal["matched", "missing_ours", "missing_bank", "amount_difference"]

# --- requests -----------------------------------------------------------------------------------


class NewBill(Input, kw_only=True, forbid_unknown_fields=True):
    national_id: NationalId
    amount_satang: Money
    due_date: dt.date
    biller_id: Annotated[str, msgspec.Meta(pattern="^[0-9]{13}([0-9]{2})?$")]
    ref1: Annotated[str, msgspec.Meta(pattern="^[0-9A-Z]{1,20}$")]
    ref2: Annotated[str, msgspec.Meta(pattern="^[0-9A-Z]{1,20}$")] | None = None
    description_th: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    """The bill's title as the citizen reads it in Thai: a month with its Buddhist-era year
    ("ค่าน้ำประปา เดือนธันวาคม 2569"), as Thai bills write it."""
    description_en: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    idempotency_key: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    agency_id: int | None = None
    """Needed for staff who act for several agencies; an agency's system acts for its own."""


class NewPayment(Input, forbid_unknown_fields=True):
    idempotency_key: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class NewRefund(Input, forbid_unknown_fields=True):
    payment_id: uuid.UUID
    amount_satang: Money
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class NewBiller(Input, forbid_unknown_fields=True):
    biller_id: Annotated[str, msgspec.Meta(pattern="^[0-9]{13}([0-9]{2})?$")]


class BankCallback(msgspec.Struct, kw_only=True):
    callback_id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    biller_id: str
    ref1: str
    ref2: str | None = None
    amount_satang: Money
    paid_at: Annotated[dt.datetime, msgspec.Meta(tz=True)]
    """When the citizen paid, with its UTC offset; a payment made before the QR expired counts even
    if the callback arrives after (the bank's own delay is not the citizen's)."""
    bank_reference: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class Resolution(Input, forbid_unknown_fields=True):
    action: Literal["accept", "refund"]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class RefundOutcome(Input, forbid_unknown_fields=True):
    state: Literal["success", "error"]


# --- citizens: bills, payments, receipts ----------------------------------------------------------


class BillView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    agency_id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    amount_satang: int
    due_date: dt.date
    biller_id: str
    ref1: str
    ref2: str | None
    description_th: str
    description_en: str
    status: str
    created_at: dt.datetime
    paid_at: dt.datetime | None


class PaymentView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    bill_id: uuid.UUID
    amount_satang: int
    state: str
    qr_payload: str
    qr_svg_url: str
    qr_png_url: str
    expires_at: dt.datetime
    created_at: dt.datetime
    completed_at: dt.datetime | None
    receipt: ReceiptView | None = None


class ReceiptView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    number: str
    amount_satang: int
    paid_at: dt.datetime
    bank: str
    bill_id: uuid.UUID
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    description_th: str
    description_en: str
    verification_url: str


class ReceiptVerification(msgspec.Struct, kw_only=True):
    """What anyone holding the receipt's QR may see: that it is genuine, and no personal data."""

    genuine: bool
    number: str
    amount_satang: int
    paid_at: dt.datetime
    agency_name_th: str
    agency_name_en: str
    description_th: str
    description_en: str


class CallbackResult(msgspec.Struct, frozen=True):
    status: str
    """``processed`` or ``already_processed``."""
    outcome: str
    """``paid`` or ``exception`` (kept for support staff; nothing is lost)."""


# --- agencies: their bills and refunds ----------------------------------------------------------


class IssuedBill(msgspec.Struct, kw_only=True):
    """What a bill says, as staff listings show it."""

    id: uuid.UUID
    biller_id: str
    ref1: str
    ref2: str | None
    description_th: str
    description_en: str
    amount_satang: int
    due_date: dt.date
    issued_at: dt.datetime
    status: str
    paid_at: dt.datetime | None


class PaidBy(msgspec.Struct, kw_only=True):
    """A delegate who paid for the citizen: named, the national ID masked as staff see them."""

    name_th: str | None
    name_en: str | None
    national_id_masked: str


class AgencyBill(IssuedBill, kw_only=True):
    """A bill as its issuing agency sees it. No national ID, not even masked: the agency issued the bill
    with it and refers to it by ref1/ref2, and whether that person has an account here is not its to learn."""

    idempotency_key: str
    payment_id: uuid.UUID | None
    """The latest attempt to pay it (None before any): its id, state and when it took that state."""
    payment_state: str | None
    payment_at: dt.datetime | None
    receipt_number: str | None
    paid_by: PaidBy | None = None
    """Who started that attempt when it was not the citizen: a delegate acting under the citizen's grant
    (docs/delegation.md), named as on an application's "submitted by X on behalf of Y"."""


class StatusTotal(msgspec.Struct, kw_only=True):
    count: int
    total_satang: int


class BillSummary(msgspec.Struct, kw_only=True):
    """Over all the agency's bills, whatever the page or its status filter."""

    unpaid: StatusTotal
    paid: StatusTotal
    cancelled: StatusTotal


class AgencyBillsPage(msgspec.Struct, kw_only=True):
    items: list[AgencyBill]
    next_before: uuid.UUID | None
    """Pass as ``before`` for the next (older) page; None on the last page."""
    summary: BillSummary


class RefundView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    payment_id: uuid.UUID
    amount_satang: int
    state: str
    reason: str
    created_at: dt.datetime
    updated_at: dt.datetime


# --- support staff ------------------------------------------------------------------------------


class ExceptionView(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    bank: str
    bank_name_th: str
    bank_name_en: str
    callback_id: str
    bill_id: uuid.UUID | None
    payment_id: uuid.UUID | None
    amount_satang: int
    bill_amount_satang: int | None
    """What the bill asks for, beside what the bank sent (amount_satang); None for an unknown bill."""
    bill_description_th: str | None
    bill_description_en: str | None
    detail: str
    """In English, for the logs; consoles say ``kind`` in words."""
    status: str
    created_at: dt.datetime
    can_accept: bool
    """Whether "accept" is offered: only a late payment or a different amount against a started payment."""


class WaitingRefund(msgspec.Struct, kw_only=True):
    """A refund asked of the bank whose answer support staff have not yet recorded."""

    id: uuid.UUID
    exception_id: int | None
    bank: str
    bank_name_th: str
    bank_name_en: str
    amount_satang: int
    reason: str
    bill_description_th: str | None
    bill_description_en: str | None
    created_at: dt.datetime


class ResolutionResult(msgspec.Struct, kw_only=True):
    exception_id: int
    status: str
    receipt_number: str | None = None
    refund_id: uuid.UUID | None = None


class ReconciliationReport(msgspec.Struct, kw_only=True):
    id: int
    bank: str
    settlement_date: dt.date
    matched: int
    missing_ours: int
    missing_bank: int
    amount_difference: int


class RefundState(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    state: str


class PaymentEvent(msgspec.Struct, kw_only=True):
    from_state: str | None
    state: str
    source: str
    reason: str | None
    at: dt.datetime


class PaymentAttempt(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    amount_satang: int
    state: str
    created_at: dt.datetime
    expires_at: dt.datetime
    completed_at: dt.datetime | None
    events: list[PaymentEvent]
    """Each change of state, oldest first."""


class ReceiptSummary(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    payment_id: uuid.UUID
    number: str
    amount_satang: int
    paid_at: dt.datetime


class BillHistory(IssuedBill, kw_only=True):
    agency_id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    payments: list[PaymentAttempt]
    """Every attempt to pay the bill, oldest first."""
    receipts: list[ReceiptSummary]
    refunds: list[RefundView]


class CitizenPayments(msgspec.Struct, kw_only=True):
    citizen_id: uuid.UUID
    national_id_masked: str
    bills: list[BillHistory]
    """The citizen's newest bills, newest first (at most 100)."""
