"""Bills, payments and bank callbacks: money counted exactly once.

- A bill is issued once per agency idempotency key; the same key with another body is refused.
- A payment is a dynamic Thai QR (bill payment: biller ID, reference 1 and 2, amount) that expires.
  One live payment per bill (a partial unique index), so a second "pay" returns the QR already shown.
- A bank callback is signed (HMAC-SHA256 over ``timestamp.body``) and kept by its id: a repeat is
  answered "already processed". The bill row is locked while a callback is applied, so any number of
  concurrent callbacks for one bill give one success, one receipt. Money that does not fit (after
  expiry, a different amount, a bill already paid or cancelled, an unknown bill) is never dropped: it
  becomes an exception for support staff, who may accept it: ``settle_locked`` (reached through
  ``settle_payment`` by support staff) is the one path to success for both, with the same receipt,
  message (``payments.receipt_message``), webhook and effects on what the bill paid for. Each state
  change is announced to the phones watching the payment by PostgreSQL at commit (migration 0022,
  ``payments.live``), except a bank callback's success, which the callback announces just after its
  commit (0066).

Banks' callbacks are ``payments.callbacks``; what staff decide (refunds, exceptions, billers,
reconciliation) is ``payments.staff_service``; what callers are shown, ``payments.reads``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any, Literal

import asyncpg
import msgspec
import structlog

from backend.agencies.webhooks import RETRY_DELAYS
from backend.core.crypto import NationalIdCipher
from backend.core.db import Connection, Pool
from backend.core.errors import BadRequest, Conflict, Forbidden, NotFound, invalid
from backend.core.principal import Principal, agencies_of, citizen_of, require_agency_permission
from backend.core.resources import Resources
from backend.core.tasks import TaskKind, UnitOfWork, outbox_row
from backend.identity.service import Identity
from backend.identity.step_up import require_step_up
from payments import queries, settlement_queries
from payments.reads import national_id_hash, payment_view
from payments.rows import BillRecord, LockedBill, PaymentRow
from payments.schemas import BillView, NewBill, NewPayment, PaymentView
from payments.thaiqr import build_bill_payment

_log = structlog.get_logger(__name__)


class PaymentRef(msgspec.Struct, frozen=True):
    payment_id: uuid.UUID


class RefundRef(msgspec.Struct, frozen=True):
    refund_id: uuid.UUID


# The agency hears of a paid bill and of a refund's progress (handled by ``payments.tasks``).
WEBHOOK_TASK = TaskKind("payments.agency_webhook", PaymentRef, retry_delays=RETRY_DELAYS)
REFUND_WEBHOOK_TASK = TaskKind("payments.refund_webhook", RefundRef, retry_delays=RETRY_DELAYS)
# The citizen's receipt message, queued with the money (``payments.receipt_message``).
RECEIPT_MESSAGE_TASK = TaskKind("payments.receipt_message", PaymentRef)

BillPaidListener = Callable[[UnitOfWork, uuid.UUID], Awaitable[None]]
_bill_paid_listeners: dict[str, BillPaidListener] = {}


def on_bill_paid(name: str, listener: BillPaidListener) -> BillPaidListener:
    """Run ``listener(work, bill_id)`` in the transaction that records the payment of a bill whose
    ``on_paid`` is ``name``: features that issue bills (an application's fee) move on with the money,
    never apart from it, and a bill naming no listener costs settlement no look-up. A registry rather
    than an import so that payments does not depend on the features above it."""
    registered = _bill_paid_listeners.setdefault(name, listener)
    if registered is not listener:
        raise ValueError(f"Another listener is registered for bills paid as {name!r}")
    return listener


# --- bills --------------------------------------------------------------------------------------


async def issue(
    resources: Resources, cipher: NationalIdCipher, principal: Principal, data: NewBill
) -> tuple[BillView, bool]:
    """An agency's bill (and whether it is new). The agency comes from the body, or is the one the
    caller acts for; the caller must hold its ``bills`` permission, and the biller ID must be its own."""
    agency_id = data.agency_id
    if agency_id is None:
        mine = agencies_of(principal)
        if len(mine) != 1:
            raise BadRequest("Say which agency issues this bill (agency_id).")
        agency_id = next(iter(mine))
    require_agency_permission(principal, agency_id, "bills")
    if await queries.biller_owner(resources.pool, data.biller_id) != agency_id:
        raise invalid("biller_id", "is not a biller ID of this agency (a platform admin assigns them)")
    bill_id, created = await issue_bill(
        resources.pool,
        data,
        agency_id=agency_id,
        national_id_hash=cipher.lookup_hash(data.national_id),
        issued_by=principal.citizen_id,
        client=principal.client_id,
    )
    bill = await queries.bill(resources.pool, bill_id)
    if bill is None:
        raise NotFound("No such bill.")
    if bill.agency_id != agency_id:
        raise Forbidden("This idempotency key belongs to another agency's bill.")
    return bill, created


def request_hash(bill: NewBill) -> bytes:
    return hashlib.sha256(msgspec.json.encode(bill)).digest()


async def issue_bill(
    pool: Pool,
    bill: NewBill,
    *,
    agency_id: int,
    national_id_hash: bytes,
    issued_by: uuid.UUID | None,
    client: str | None,
) -> tuple[uuid.UUID, bool]:
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
                    record = BillRecord(
                        agency_id=agency_id,
                        national_id_hash=national_id_hash,
                        amount_satang=bill.amount_satang,
                        due_date=bill.due_date,
                        biller_id=bill.biller_id,
                        ref1=bill.ref1,
                        ref2=bill.ref2,
                        description_th=bill.description_th,
                        description_en=bill.description_en,
                        idempotency_key=bill.idempotency_key,
                        request_hash=digest,
                        issued_by_client=client,
                        issued_by=issued_by,
                    )
                    bill_id = await queries.insert_bill(connection, record)
            except asyncpg.UniqueViolationError as exc:
                raise Conflict("A bill with this biller ID and these references already exists.") from exc
        if bill_id is not None:
            return bill_id, True
        existing = existing or await queries.bill_by_idempotency_key(
            connection, agency_id, bill.idempotency_key
        )
        assert existing is not None
        if not hmac.compare_digest(existing.request_hash, digest):
            raise Conflict("This idempotency key was used for a different bill.")
        return existing.id, False


# --- payments -----------------------------------------------------------------------------------


def qr_for_bill(bill: Mapping[str, Any]) -> str:
    """The dynamic Thai QR for a bill's row (its biller ID, references and amount)."""
    return qr_payload(bill["biller_id"], bill["ref1"], bill["ref2"], bill["amount_satang"])


def qr_payload(biller_id: str, ref1: str, ref2: str | None, amount_satang: int) -> str:
    return build_bill_payment(biller_id, ref1, ref2, Decimal(amount_satang) / 100)


async def pay(
    resources: Resources, identity: Identity, principal: Principal, bill_id: uuid.UUID, data: NewPayment
) -> PaymentView:
    """The QR to pay the citizen's bill with (a step-up login first for a large amount)."""
    citizen_id = citizen_of(principal)
    hashed = await national_id_hash(resources, identity, citizen_id)
    bill = await queries.bill_of(resources.pool, bill_id, hashed)
    if bill is None:
        raise NotFound("No such bill.")  # another citizen's bill is simply not there
    settings = resources.settings
    if bill.amount_satang >= settings.payment_step_up_satang:
        require_step_up(
            principal,
            minimum_acr=settings.step_up_acr,
            acr_levels=settings.acr_levels,
            max_age_seconds=settings.step_up_max_age_seconds,
        )
    row = await start_payment(
        resources.pool,
        bill=bill,
        citizen_id=citizen_id,
        idempotency_key=data.idempotency_key,
        expiry_minutes=settings.payment_expiry_minutes,
        delegation_id=principal.acting_for.delegation_id if principal.acting_for else None,
    )
    return payment_view(row, None, settings.public_url)


def _not_payable(status: str) -> Conflict:
    return Conflict(
        "บิลนี้ชำระแล้ว · This bill is already paid."
        if status == "paid"
        else "บิลนี้ถูกยกเลิกแล้ว · This bill was cancelled."
    )


async def start_payment(
    pool: Pool,
    *,
    bill: BillView,
    citizen_id: uuid.UUID,
    idempotency_key: str,
    expiry_minutes: int,
    delegation_id: uuid.UUID | None = None,
) -> PaymentRow:
    """The payment to show: the one this key made, the bill's live one, or a new one. ``delegation_id``:
    the grant a delegate started it under (the agency's webhook says so when it is paid)."""
    earlier = await queries.payment_by_idempotency_key(pool, citizen_id, idempotency_key)
    if earlier is not None:
        if earlier.bill_id != bill.id:
            raise Conflict("This idempotency key was used to pay another bill.")
        return earlier
    if bill.status != "unpaid":
        raise _not_payable(bill.status)
    live = await queries.live_payment_for_bill(pool, bill.id)
    if live is not None:
        return live
    expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=expiry_minutes)
    try:
        async with pool.acquire() as connection, connection.transaction():
            # The bill first, as settling locks it: a payment settled meanwhile (support accepting late
            # money) is seen here, and the two never wait for each other's rows the other way round.
            status = await queries.bill_status_locked(connection, bill.id)
            if status != "unpaid":
                raise _not_payable(status or "cancelled")
            # A QR past its time that the expiry job has not reached yet would block the new one.
            await _expire(connection, bill.id)
            created = await queries.insert_payment(
                connection,
                bill_id=bill.id,
                citizen_id=citizen_id,
                amount_satang=bill.amount_satang,
                qr_payload=qr_payload(bill.biller_id, bill.ref1, bill.ref2, bill.amount_satang),
                idempotency_key=idempotency_key,
                expires_at=expires_at,
                delegation_id=delegation_id,
            )
            await queries.add_event(connection, created.id, None, "created", "citizen", None)
            await queries.add_event(connection, created.id, "created", "pending", "system", "QR shown")
    except asyncpg.UniqueViolationError:
        # Another request for this bill (or with this key) won the race: show its payment.
        again = await queries.payment_by_idempotency_key(pool, citizen_id, idempotency_key)
        again = again or await queries.live_payment_for_bill(pool, bill.id)
        if again is None:
            raise
        return again
    return created


async def expire_due_payments(pool: Pool) -> int:
    async with pool.acquire() as connection, connection.transaction():
        expired = await _expire(connection)
    if expired:
        _log.info("payments_expired", count=len(expired))
    return len(expired)


# --- settlement: the one way a payment succeeds -----------------------------------------------------


class Settlement(msgspec.Struct, frozen=True, kw_only=True):
    receipt_number: str
    newly: bool
    """False when the payment had been settled before: nothing was done again."""


async def settle_payment(
    work: UnitOfWork,
    payment_id: uuid.UUID,
    *,
    amount_satang: int,
    bank: str,
    bank_reference: str | None,
    source: Literal["bank", "support"],
    detail: str | None,
    paid_at: dt.datetime | None = None,
) -> Settlement:
    """``settle_locked`` for a payment named by its id (support staff accepting money): its bill,
    then the payment, locked first, in the order the bank callback locks them."""
    connection = work.connection
    bill = await settlement_queries.bill_of_payment_locked(connection, payment_id)
    payment = await queries.payment_locked(connection, payment_id)
    if bill is None or payment is None:
        raise NotFound("No such payment.")
    return await settle_locked(
        work, bill, payment, amount_satang=amount_satang, bank=bank, bank_reference=bank_reference,
        source=source, detail=detail, paid_at=paid_at,
    )  # fmt: skip


CLOCK_GRACE = dt.timedelta(seconds=60)
"""Banks' clocks and ours differ a little."""


def receipt_time(paid_at: dt.datetime | None) -> dt.datetime:
    """When the receipt, the bill and the agency's webhook say the money was paid: the bank's time for
    it, never after now (a bank's clock ahead cannot date it after it was settled); now when the bank
    gave none. Not bounded by the settled payment's start: every QR of a bill is the same, so money paid
    with an earlier one may settle the latest."""
    now = dt.datetime.now(dt.UTC)
    return now if paid_at is None else min(paid_at, now)


async def settle_locked(
    work: UnitOfWork,
    bill: LockedBill,
    payment: PaymentRow,
    *,
    amount_satang: int,
    bank: str,
    bank_reference: str | None,
    source: Literal["bank", "support"],
    detail: str | None,
    callback_pk: int | None = None,
    paid_at: dt.datetime | None = None,
) -> Settlement:
    """The one way a payment becomes successful, in the caller's transaction, given its bill and the
    payment as the caller locked them (so that each row is read once): its event, the bill paid, the
    receipt, tasks for the agency's webhook and the citizen's receipt message (queued after commit) and
    whatever the bill paid for (an application's fee); ``callback_pk``, the bank callback that brought
    the money, is marked paid with them. The receipt says the money was paid at ``paid_at``, the time
    the bank gave (``receipt_time``), so that the receipt and the bank's settlement file name the same
    day. Settling a settled payment changes nothing."""
    connection = work.connection
    payment_id = payment.id
    if payment.state == "success":
        earlier = await queries.receipt_for_payment(connection, payment_id)
        if earlier is None:
            raise NotFound("No such receipt.")
        return Settlement(receipt_number=earlier.number, newly=False)
    if bill.status != "unpaid":
        raise Conflict(
            "บิลนี้ชำระแล้ว ให้คืนเงินก้อนนี้แทน · The bill is paid; refund this money instead."
            if bill.status == "paid"
            else "บิลนี้ถูกยกเลิกแล้ว ให้คืนเงินก้อนนี้แทน · The bill is cancelled; refund this money instead."
        )
    receipt, task_ids = await settlement_queries.settle(
        connection,
        payment=payment,
        bill_id=bill.id,
        amount_satang=amount_satang,
        source=source,
        detail=detail,
        bank=bank,
        bank_reference=bank_reference,
        verification_code=secrets.token_urlsafe(12),
        tasks=[
            outbox_row(connection, WEBHOOK_TASK, PaymentRef(payment_id)),  # the agency hears
            outbox_row(connection, RECEIPT_MESSAGE_TASK, PaymentRef(payment_id)),  # and the citizen
        ],
        callback_pk=callback_pk,
        paid_at=receipt_time(paid_at),
    )
    for task_id in task_ids:
        work.queue_after_commit(task_id)
    if bill.on_paid is not None:
        listener = _bill_paid_listeners.get(bill.on_paid)
        if listener is None:  # a bill issued by a feature this process was not built with
            raise RuntimeError(f"No listener for bills paid as {bill.on_paid!r}")
        await listener(work, bill.id)
    _log.info("payment_settled", payment_id=payment_id, source=source)
    return Settlement(receipt_number=receipt.number, newly=True)


async def _expire(connection: Connection, bill_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    """The one way a payment expires: its state and its event, in the caller's transaction."""
    expired = await queries.expire_payments(connection, bill_id)
    for payment_id in expired:
        await queries.add_event(connection, payment_id, "pending", "expired", "system", "not paid in time")
    return expired
