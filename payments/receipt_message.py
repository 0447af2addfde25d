"""The citizen's receipt message: what a settled payment tells its citizen, in Thai and English.

The settling transaction (``payments.service.settle_locked``) writes the money's own rows and queues
``RECEIPT_MESSAGE_TASK`` beside them; the task writes the message. So a bank's callback commits with the
money alone (the message's inbox row, seal and deliveries had doubled its work), and the message still
cannot be lost (its task row commits with the payment) nor doubled (it is keyed by the payment). Payments
says what; the composition root wires who delivers it (the inbox), so payments imports nothing of
notifications."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import msgspec

from backend.core.tasks import TaskContext, UnitOfWork
from payments import queries, settlement_queries
from payments.service import PaymentRef


class ReceiptMessage(msgspec.Struct, frozen=True, kw_only=True):
    citizen_id: uuid.UUID
    agency_id: int
    texts: dict[str, str]
    """``title_th``, ``title_en``, ``body_th``, ``body_en``."""
    url: str
    idempotency_key: str


ReceiptListener = Callable[[UnitOfWork, ReceiptMessage], Awaitable[None]]
_receipt_listeners: list[ReceiptListener] = []


def on_receipt(listener: ReceiptListener) -> ReceiptListener:
    """Run ``listener(work, message)`` in the task that tells a settled payment's citizen."""
    if listener not in _receipt_listeners:
        _receipt_listeners.append(listener)
    return listener


async def tell_the_citizen(ctx: TaskContext, ref: PaymentRef) -> None:
    """The receipt message of a settled payment; it names the delegate who paid for the citizen, when
    one did ("สุดา ใจดี ชำระแทนคุณ")."""
    paid = await settlement_queries.receipt_message_facts(ctx.connection, ref.payment_id)
    if paid is None:
        return  # no receipt: the payment was never settled, so there is nothing to tell
    amount = f"{paid.amount_satang / 100:,.2f}"
    by_th = by_en = ""
    if paid.delegation_id is not None:
        name_th, name_en = await queries.delegate_name(ctx.connection, paid.delegation_id)
        by_th, by_en = f" · {name_th} ชำระแทนคุณ", f", paid for you by {name_en}"
    message = ReceiptMessage(
        citizen_id=paid.citizen_id,
        agency_id=paid.agency_id,
        texts={
            "title_th": f"ชำระเงินสำเร็จ {amount} บาท",
            "title_en": f"Paid: {amount} baht",
            "body_th": f"{paid.description_th} ใบเสร็จเลขที่ {paid.receipt_number}{by_th}",
            "body_en": f"{paid.description_en}, receipt {paid.receipt_number}{by_en}",
        },
        url=f"/receipts/{paid.receipt_id}",
        idempotency_key=f"payment-receipt:{ref.payment_id}",
    )
    for listener in _receipt_listeners:
        await listener(ctx.work, message)
