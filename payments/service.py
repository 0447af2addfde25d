"""Bills, payments and bank callbacks: money counted exactly once.

- A bill is issued once per agency idempotency key; the same key with another body is refused.
- A payment is a dynamic Thai QR (bill payment: biller ID, reference 1 and 2, amount) that expires.
  One live payment per bill (a partial unique index), so a second "pay" returns the QR already shown.
- A bank callback is signed (HMAC-SHA256 over ``timestamp.body``) and kept by its id: a repeat is
  answered "already processed". The bill row is locked while a callback is applied, so any number of
  concurrent callbacks for one bill give one success, one receipt. Money that does not fit (after
  expiry, a different amount, a bill already paid or cancelled, an unknown bill) is never dropped: it
  becomes an exception for support staff, who may accept it: ``settle_payment`` is the one path to
  success for both, with the same receipt, message, webhook and effects on what the bill paid for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

import asyncpg
import msgspec
import structlog

from backend.core.db import Pool
from backend.core.errors import Conflict, NotAuthenticated, NotFound
from backend.core.tasks import UnitOfWork, unit_of_work
from notifications.service import enqueue_notification
from payments import queries
from payments.thaiqr import build_bill_payment

if TYPE_CHECKING:
    from saq.queue.base import Queue

_log = structlog.get_logger(__name__)

WEBHOOK_TASK = "payments.agency_webhook"
REFUND_WEBHOOK_TASK = "payments.refund_webhook"

_CLOCK_GRACE = dt.timedelta(seconds=60)  # banks' clocks and ours differ a little
FINAL_STATES = frozenset({"success", "failed", "expired", "cancelled"})
BillStatus = Literal["unpaid", "paid", "cancelled"]  # as the bills.status CHECK

BillPaidListener = Callable[[UnitOfWork, str], Awaitable[None]]
_bill_paid_listeners: list[BillPaidListener] = []


def on_bill_paid(listener: BillPaidListener) -> BillPaidListener:
    """Run ``listener(work, bill_id)`` in the transaction that records a bill's payment: features
    that issue bills (an application's fee) move on with the money, never apart from it. A
    registry rather than an import so that payments does not depend on the features above it."""
    if listener not in _bill_paid_listeners:
        _bill_paid_listeners.append(listener)
    return listener


class NewBill(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    national_id: Annotated[str, msgspec.Meta(min_length=13, max_length=13)]
    amount_satang: Annotated[int, msgspec.Meta(ge=1, le=99_999_999_999)]
    due_date: dt.date
    biller_id: Annotated[str, msgspec.Meta(pattern="^[0-9]{13}([0-9]{2})?$")]
    ref1: Annotated[str, msgspec.Meta(pattern="^[0-9A-Z]{1,20}$")]
    ref2: Annotated[str, msgspec.Meta(pattern="^[0-9A-Z]{1,20}$")] | None = None
    description_th: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    description_en: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    idempotency_key: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    agency_id: int | None = None
    """Needed for staff who act for several agencies; an agency's system acts for its own."""


class BankCallback(msgspec.Struct, kw_only=True):
    callback_id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    biller_id: str
    ref1: str
    ref2: str | None = None
    amount_satang: Annotated[int, msgspec.Meta(ge=1)]
    paid_at: Annotated[dt.datetime, msgspec.Meta(tz=True)]
    """When the citizen paid, with its UTC offset; a payment made before the QR expired counts even
    if the callback arrives after (the bank's own delay is not the citizen's)."""
    bank_reference: Annotated[str, msgspec.Meta(max_length=100)] | None = None


class CallbackResult(msgspec.Struct, frozen=True):
    status: str
    """``processed`` or ``already_processed``."""
    outcome: str
    """``paid`` or ``exception`` (kept for support staff; nothing is lost)."""


def request_hash(bill: NewBill) -> bytes:
    return hashlib.sha256(msgspec.json.encode(bill)).digest()


async def issue_bill(
    pool: Pool,
    bill: NewBill,
    *,
    agency_id: int,
    national_id_hash: bytes,
    issued_by: str | None,
    client: str | None,
) -> tuple[str, bool]:
    """(bill id, created now). The same idempotency key and body give the same bill."""
    digest = request_hash(bill)
    async with pool.acquire() as connection, connection.transaction():
        existing = await queries.bill_by_idempotency_key(connection, agency_id, bill.idempotency_key)
        if existing is None and await queries.bills_references_taken(
            connection, bill.biller_id, bill.ref1, bill.ref2
        ):
            raise Conflict("A bill with this biller ID and these references already exists.")
        bill_id = None
        if existing is None:
            try:
                async with connection.transaction():
                    bill_id = await queries.insert_bill(
                        connection,
                        {
                            **msgspec.structs.asdict(bill),
                            "agency_id": agency_id,
                            "national_id_hash": national_id_hash,
                            "request_hash": digest,
                            "issued_by_client": client,
                            "issued_by": issued_by,
                        },
                    )
            except asyncpg.UniqueViolationError as exc:
                raise Conflict("A bill with this biller ID and these references already exists.") from exc
        if bill_id is not None:
            return bill_id, True
        existing = existing or await queries.bill_by_idempotency_key(
            connection, agency_id, bill.idempotency_key
        )
        assert existing is not None
        if not hmac.compare_digest(existing["request_hash"], digest):
            raise Conflict("This idempotency key was used for a different bill.")
        return existing["id"], False


def qr_for_bill(bill: dict[str, Any]) -> str:
    return build_bill_payment(
        bill["biller_id"], bill["ref1"], bill["ref2"], Decimal(bill["amount_satang"]) / 100
    )


async def start_payment(
    pool: Pool,
    *,
    bill: dict[str, Any],
    citizen_id: str,
    idempotency_key: str,
    expiry_minutes: int,
) -> dict[str, Any]:
    """The payment to show: the one this key made, the bill's live one, or a new one."""
    earlier = await queries.payment_by_idempotency_key(pool, citizen_id, idempotency_key)
    if earlier is not None:
        if earlier["bill_id"] != bill["id"]:
            raise Conflict("This idempotency key was used to pay another bill.")
        return earlier
    if bill["status"] != "unpaid":
        raise Conflict(
            "This bill is already paid." if bill["status"] == "paid" else "This bill was cancelled."
        )
    live = await queries.live_payment_for_bill(pool, bill["id"])
    if live is not None:
        return live
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=expiry_minutes)
    try:
        async with pool.acquire() as connection, connection.transaction():
            created = await queries.insert_payment(
                connection,
                bill_id=bill["id"],
                citizen_id=citizen_id,
                amount_satang=bill["amount_satang"],
                qr_payload=qr_for_bill(bill),
                idempotency_key=idempotency_key,
                expires_at=expires_at,
            )
            await queries.add_event(connection, created["id"], None, "created", "citizen", None)
            await queries.add_event(connection, created["id"], "created", "pending", "system", "QR shown")
    except asyncpg.UniqueViolationError:
        # Another request for this bill (or with this key) won the race: show its payment.
        again = await queries.payment_by_idempotency_key(pool, citizen_id, idempotency_key)
        again = again or await queries.live_payment_for_bill(pool, bill["id"])
        if again is None:
            raise
        return again
    return created


async def apply_callback(
    pool: Pool, queue: Queue, bank: str, callback: BankCallback, raw_body: dict[str, Any]
) -> CallbackResult:
    async with unit_of_work(pool, queue) as work:
        connection = work.connection
        callback_pk = await queries.record_callback(connection, bank, callback.callback_id, raw_body)
        if callback_pk is None:
            earlier = await queries.callback_outcome(connection, bank, callback.callback_id)
            return CallbackResult(
                status="already_processed", outcome=earlier["outcome"] if earlier else "exception"
            )
        outcome, payment_id = await _apply(work, bank, callback)
        await queries.settle_callback(connection, callback_pk, outcome, payment_id)
    _log.info("bank_callback", bank=bank, outcome=outcome, payment_id=payment_id)
    return CallbackResult(status="processed", outcome=outcome)


class Settlement(msgspec.Struct, frozen=True, kw_only=True):
    receipt_number: str
    newly: bool
    """False when the payment had been settled before: nothing was done again."""


async def settle_payment(
    work: UnitOfWork,
    payment_id: str,
    *,
    amount_satang: int,
    bank: str,
    bank_reference: str | None,
    source: Literal["bank", "support"],
    detail: str | None,
) -> Settlement:
    """The one way a payment becomes successful, in the caller's transaction: its event, the bill
    paid, the receipt, the citizen's receipt message, the agency's webhook (after commit) and
    whatever the bill paid for (an application's fee). Settling a settled payment changes nothing."""
    connection = work.connection
    found = ensure_found(await queries.payment(connection, payment_id), "payment")
    # The bill first, then the payment: the order the bank callback locks them in.
    bill = ensure_found(await queries.bill_locked(connection, found["bill_id"]), "bill")
    payment = ensure_found(await queries.payment_locked(connection, payment_id), "payment")
    if payment["state"] == "success":
        receipt = ensure_found(await queries.receipt_for_payment(connection, payment_id), "receipt")
        return Settlement(receipt_number=receipt["number"], newly=False)
    if bill["status"] != "unpaid":
        raise Conflict(f"The bill is {bill['status']}; refund this money instead.")
    await queries.complete_payment(connection, payment_id, bill["id"], amount_satang)
    await queries.add_event(connection, payment_id, payment["state"], "success", source, detail)
    number = await queries.insert_receipt(
        connection,
        payment_id=payment_id,
        bill_id=bill["id"],
        amount_satang=amount_satang,
        bank=bank,
        bank_reference=bank_reference,
        verification_code=secrets.token_urlsafe(12),
    )
    await work.add_task(WEBHOOK_TASK, payment_id)  # the agency hears of it, after commit
    await _tell_the_citizen(work, payment_id)
    for listener in _bill_paid_listeners:
        await listener(work, bill["id"])
    _log.info("payment_settled", payment_id=payment_id, source=source)
    return Settlement(receipt_number=number, newly=True)


async def _tell_the_citizen(work: UnitOfWork, payment_id: str) -> None:
    """An inbox message (and a push) with the receipt, in the same transaction as the payment."""
    row = await work.connection.fetchrow(
        """
        SELECT p.citizen_id::text, b.agency_id, p.amount_satang, r.id::text AS receipt_id, r.number,
               b.description_th, b.description_en
        FROM payments p JOIN bills b ON b.id = p.bill_id JOIN receipts r ON r.payment_id = p.id
        WHERE p.id = $1::uuid
        """,
        payment_id,
    )
    if row is None:
        return
    amount = f"{row['amount_satang'] / 100:,.2f}"
    await enqueue_notification(
        work,
        citizen_id=row["citizen_id"],
        agency_id=row["agency_id"],
        category="payments",
        template_id=None,
        texts={
            "title_th": f"ชำระเงินสำเร็จ {amount} บาท",
            "title_en": f"Paid: {amount} baht",
            "body_th": f"{row['description_th']} ใบเสร็จเลขที่ {row['number']}",
            "body_en": f"{row['description_en']}, receipt {row['number']}",
        },
        url=f"/receipts/{row['receipt_id']}",
        urgency="high",  # about the citizen's own money: never held back
        ttl_seconds=7 * 86400,
        idempotency_key=f"payment-receipt:{payment_id}",
        request_hash=b"payment receipt",
        from_platform=True,  # the platform's own word that this is the citizen's money
    )


async def _apply(work: UnitOfWork, bank: str, callback: BankCallback) -> tuple[str, str | None]:
    connection = work.connection

    async def exception(
        kind: str, detail: str, bill_id: str | None, payment_id: str | None
    ) -> tuple[str, str | None]:
        await queries.insert_exception(
            connection, kind=kind, bank=bank, callback_id=callback.callback_id, bill_id=bill_id,
            payment_id=payment_id, amount_satang=callback.amount_satang, detail=detail,
        )  # fmt: skip
        _log.warning("payment_exception", kind=kind, bank=bank, callback_id=callback.callback_id)
        return "exception", payment_id

    bill = await queries.bill_for_references_locked(
        connection, callback.biller_id, callback.ref1, callback.ref2
    )
    if bill is None:
        return await exception("unknown_bill", "No bill has this biller ID and these references.", None, None)
    if bill["status"] != "unpaid":  # a cancelled bill's money is for support staff to refund
        kind, detail = (
            ("already_paid", "The bill was already paid: money arrived twice.")
            if bill["status"] == "paid"
            else ("late", "Money arrived for a bill that was cancelled.")
        )
        return await exception(kind, detail, bill["id"], None)
    payment = await queries.latest_payment_for_bill(connection, bill["id"])
    if payment is None:
        return await exception(
            "late", "Money arrived for a bill no payment was started for.", bill["id"], None
        )
    live = payment["state"] in ("created", "pending") and payment["expires_at"] > dt.datetime.now(dt.UTC)
    paid_in_time = (
        payment["state"] in ("created", "pending", "expired")
        and payment["created_at"] - _CLOCK_GRACE <= callback.paid_at <= payment["expires_at"] + _CLOCK_GRACE
    )
    if not (live or paid_in_time):
        detail = f"Money arrived after the payment was {payment['state']}."
        return await exception("late", detail, bill["id"], payment["id"])
    if callback.amount_satang != payment["amount_satang"]:
        detail = f"The bank paid {callback.amount_satang} satang; the bill is {payment['amount_satang']}."
        return await exception("amount_mismatch", detail, bill["id"], payment["id"])
    await settle_payment(
        work,
        payment["id"],
        amount_satang=callback.amount_satang,
        bank=bank,
        bank_reference=callback.bank_reference,
        source="bank",
        detail=f"{bank} {callback.callback_id}",
    )
    return "paid", payment["id"]


async def expire_due_payments(pool: Pool) -> int:
    async with pool.acquire() as connection, connection.transaction():
        expired = await queries.expire_payments(connection)
        for payment_id in expired:
            await queries.add_event(
                connection, payment_id, "pending", "expired", "system", "not paid in time"
            )
    if expired:
        _log.info("payments_expired", count=len(expired))
    return len(expired)


def require_bank_secret(secrets_by_bank: dict[str, bytes], bank: str) -> bytes:
    secret = secrets_by_bank.get(bank)
    if secret is None:
        raise NotAuthenticated("Unknown bank.")
    return secret


def ensure_found(value: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if value is None:
        raise NotFound(f"No such {what}.")
    return value
