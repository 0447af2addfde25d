"""Banks' callbacks: a bank's signed word that money arrived, applied once (see ``payments.service``
for the rules), settled through ``settle_locked`` with the bill and payment it locked when it fits and
kept as an exception for support staff when it does not."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

import msgspec
import structlog

from backend.core.db import Pool
from backend.core.errors import BadRequest, NotAuthenticated
from backend.core.resources import Resources
from backend.core.signatures import verify_signature
from backend.core.tasks import UnitOfWork, unit_of_work
from payments import settlement_queries
from payments.live import notice
from payments.rows import CallbackClaim
from payments.schemas import BankCallback, CallbackResult
from payments.service import CLOCK_GRACE, settle_locked

if TYPE_CHECKING:
    from saq.queue.base import Queue

_log = structlog.get_logger(__name__)

_decode = msgspec.json.Decoder(BankCallback).decode  # built once, not per callback


async def bank_callback(
    resources: Resources, bank: str, body: bytes, signature: str | None
) -> CallbackResult:
    """A bank's signed word that money arrived."""
    secret = require_bank_secret(resources.settings.bank_secret_map, bank)
    verify_signature(secret, signature, body)
    try:
        callback = _decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise BadRequest(f"The callback body is not valid: {exc}") from exc
    # Kept as the bank sent it: the validated bytes as text, not decoded and encoded again.
    return await apply_callback(resources.pool, resources.queue, bank, callback, body.decode())


def require_bank_secret(secrets_by_bank: dict[str, bytes], bank: str) -> bytes:
    secret = secrets_by_bank.get(bank)
    if secret is None:
        raise NotAuthenticated("Unknown bank.")
    return secret


async def apply_callback(
    pool: Pool, queue: Queue, bank: str, callback: BankCallback, raw_body: str
) -> CallbackResult:
    async with unit_of_work(pool, queue) as work:
        connection = work.connection
        claim = await settlement_queries.claim_callback(connection, bank, callback, raw_body)
        if claim.callback_pk is None:
            outcome = claim.earlier_outcome
            if outcome is None:  # the first was still being applied when this one began
                earlier = await settlement_queries.callback_outcome(connection, bank, callback.callback_id)
                outcome = earlier.outcome if earlier else "exception"
            return CallbackResult(status="already_processed", outcome=outcome)
        outcome, payment_id = await _apply(work, bank, callback, claim)
        if outcome == "paid" and payment_id is not None:  # the claim told the trigger not to NOTIFY it
            work.notices.append(notice(payment_id, "success"))
    _log.info("bank_callback", bank=bank, outcome=outcome, payment_id=payment_id)
    return CallbackResult(status="processed", outcome=outcome)


async def _apply(
    work: UnitOfWork, bank: str, callback: BankCallback, claim: CallbackClaim
) -> tuple[str, uuid.UUID | None]:
    connection = work.connection

    async def exception(
        kind: str, detail: str, bill_id: uuid.UUID | None, payment_id: uuid.UUID | None
    ) -> tuple[str, uuid.UUID | None]:
        await settlement_queries.insert_exception(
            connection, kind=kind, bank=bank, callback_id=callback.callback_id, bill_id=bill_id,
            payment_id=payment_id, amount_satang=callback.amount_satang, detail=detail,
            callback_pk=claim.callback_pk,
        )  # fmt: skip
        _log.warning("payment_exception", kind=kind, bank=bank, callback_id=callback.callback_id)
        return "exception", payment_id

    bill, payment = claim.bill, claim.payment
    if bill is None:
        return await exception("unknown_bill", "No bill has this biller ID and these references.", None, None)
    if bill.status != "unpaid":  # a cancelled bill's money is for support staff to refund
        kind, detail = (
            ("already_paid", "The bill was already paid: money arrived twice.")
            if bill.status == "paid"
            else ("late", "Money arrived for a bill that was cancelled.")
        )
        return await exception(kind, detail, bill.id, None)
    if payment is None:
        return await exception("late", "Money arrived for a bill no payment was started for.", bill.id, None)
    live = payment.state in ("created", "pending") and payment.expires_at > dt.datetime.now(dt.UTC)
    paid_in_time = (
        payment.state in ("created", "pending", "expired")
        and payment.created_at - CLOCK_GRACE <= callback.paid_at <= payment.expires_at + CLOCK_GRACE
    )
    if not (live or paid_in_time):
        return await exception(
            "late", f"Money arrived after the payment was {payment.state}.", bill.id, payment.id
        )
    if callback.amount_satang != payment.amount_satang:
        detail = f"The bank paid {callback.amount_satang} satang; the bill is {payment.amount_satang}."
        return await exception("amount_mismatch", detail, bill.id, payment.id)
    await settle_locked(
        work,
        bill,
        payment,
        amount_satang=callback.amount_satang,
        bank=bank,
        bank_reference=callback.bank_reference,
        source="bank",
        detail=f"{bank} {callback.callback_id}",
        callback_pk=claim.callback_pk,
        paid_at=callback.paid_at,
    )
    return "paid", payment.id
