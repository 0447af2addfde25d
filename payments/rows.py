"""Typed rows the payments queries return that are never shown as they are (a response is built from
them, or they carry what only the server may see)."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from payments.schemas import AgencyBill, IssuedBill, ReconciliationKind, RefundView


class BillRecord(msgspec.Struct, kw_only=True):
    """A bill as it is written: by an agency (``service.issue_bill``), for an application's fee, or by the
    demo seed."""

    agency_id: int
    national_id_hash: bytes
    amount_satang: int
    due_date: dt.date
    biller_id: str
    ref1: str
    ref2: str | None
    description_th: str
    description_en: str
    idempotency_key: str
    request_hash: bytes
    issued_by_client: str | None
    issued_by: uuid.UUID | None


class PaymentRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    bill_id: uuid.UUID
    citizen_id: uuid.UUID
    amount_satang: int
    state: str
    qr_payload: str
    expires_at: dt.datetime
    created_at: dt.datetime
    completed_at: dt.datetime | None
    delegation_id: uuid.UUID | None = None
    """The grant a delegate started it under (docs/delegation.md); None when the citizen did."""


class BillKey(msgspec.Struct, kw_only=True):
    """A bill found by its agency's idempotency key, with the hash of the request that issued it."""

    id: uuid.UUID
    request_hash: bytes


class BillPlace(msgspec.Struct, frozen=True):
    """Where a page of a citizen's bills ends, in their order: unpaid first (``settled`` false), then
    by due date, first issued first within a day."""

    settled: bool
    due_date: dt.date
    created_at: dt.datetime
    id: uuid.UUID


class LockedBill(msgspec.Struct, kw_only=True):
    """A bill locked while money for it is applied: what settlement and the receipt message need."""

    id: uuid.UUID
    agency_id: int
    amount_satang: int
    status: str
    description_th: str
    description_en: str
    on_paid: str | None


class CallbackClaim(msgspec.Struct, kw_only=True):
    """A bank callback as first recorded: its row (None when the bank sent this id before, with that
    earlier outcome when it had committed by then), and the bill its references name and the bill's
    latest payment (while unpaid), both locked."""

    callback_pk: int | None
    earlier_outcome: str | None
    bill: LockedBill | None
    payment: PaymentRow | None


class NewReceipt(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    number: str


class ReceiptMessageFacts(msgspec.Struct, kw_only=True):
    """A settled payment as its receipt message tells it."""

    citizen_id: uuid.UUID
    delegation_id: uuid.UUID | None
    agency_id: int
    description_th: str
    description_en: str
    receipt_id: uuid.UUID
    receipt_number: str
    amount_satang: int


class CallbackOutcome(msgspec.Struct, kw_only=True):
    outcome: str
    payment_id: uuid.UUID | None


class ReceiptRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    number: str
    amount_satang: int
    paid_at: dt.datetime
    bank: str
    verification_code: str
    bill_id: uuid.UUID
    description_th: str
    description_en: str
    biller_id: str
    ref1: str
    ref2: str | None
    agency_code: str
    agency_name_th: str
    agency_name_en: str


class Refundable(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    amount_satang: int
    agency_id: int
    bank: str
    left_satang: int


class RefundEvent(RefundView, kw_only=True):
    """What the agency is told of a refund (agency_id is whom). Money no payment took (a bill paid twice,
    or paid after it was cancelled or before any payment was started) has no payment, so no agency is
    told of its refund: its webhook log names a payment or a message."""

    payment_id: uuid.UUID | None  # type: ignore[assignment]  # wider than RefundView's: see above
    agency_id: int | None
    bill_id: uuid.UUID | None
    ref1: str | None
    ref2: str | None


class AgencyBillRow(AgencyBill, kw_only=True):
    """``AgencyBill`` as read, with the delegate who started the latest attempt (if one did) still sealed."""

    delegate_name_th: str | None = None
    delegate_name_en: str | None = None
    delegate_key_id: str | None = None
    delegate_ciphertext: bytes | None = None


class PaidBillEvent(msgspec.Struct, kw_only=True):
    """What the issuing agency is told of a successful payment (no personal data): the webhook's body,
    less ``agency_id`` (whom to tell) and ``delegation_id`` (the grant a delegate paid under)."""

    agency_id: int
    delegation_id: uuid.UUID | None
    payment_id: uuid.UUID
    bill_id: uuid.UUID
    idempotency_key: str
    biller_id: str
    ref1: str
    ref2: str | None
    amount_satang: int
    paid_at: dt.datetime
    receipt_number: str
    bank: str
    bank_reference: str | None


class OpenException(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    bank: str
    callback_id: str
    bill_id: uuid.UUID | None
    payment_id: uuid.UUID | None
    amount_satang: int
    status: str


class SupportBill(IssuedBill, kw_only=True):
    agency_id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str


class SettledPayment(msgspec.Struct, kw_only=True):
    """A successful payment of one bank's day, as reconciliation matches it."""

    payment_id: uuid.UUID
    bank_reference: str | None
    amount_satang: int
    biller_id: str
    ref1: str
    ref2: str | None


class ReconciliationItem(msgspec.Struct, kw_only=True):
    """One line of the bank's file or one of our payments, and how it matched."""

    kind: ReconciliationKind
    bank_reference: str | None
    biller_id: str
    ref1: str
    ref2: str | None
    bank_amount_satang: int | None
    our_amount_satang: int | None
    payment_id: uuid.UUID | None
