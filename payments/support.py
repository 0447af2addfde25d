"""Support staff's side of payments: one citizen's bills and payment history ("I paid but it says
unpaid"), exceptions (money that did not fit) resolved by accepting or refunding, refunds, and bank
settlement reconciliation. Every decision records who made it; every look-up at a citizen's payments
is written to that citizen's "who accessed my data" log, and staff see the national ID masked."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from backend.core.errors import BadRequest, Conflict, NotFound
from backend.core.principal import Principal, require_support_staff
from backend.core.resources import Resources
from backend.core.tasks import UnitOfWork, unit_of_work
from backend.identity.service import Identity
from backend.support.lookups import look_up_citizen
from payments import queries
from payments.reconcile import reconcile
from payments.routes import IssuedBill, RefundView
from payments.service import REFUND_WEBHOOK_TASK, settle_payment

_MAX_SETTLEMENT_BYTES = 20 * 1024 * 1024
_MAX_BILLS = 100  # a citizen's newest bills shown to support staff


class ExceptionView(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    bank: str
    callback_id: str
    bill_id: str | None
    payment_id: str | None
    amount_satang: int
    detail: str
    status: str
    created_at: dt.datetime


class Resolution(msgspec.Struct, forbid_unknown_fields=True):
    action: Literal["accept", "refund"]
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class ResolutionResult(msgspec.Struct, kw_only=True):
    exception_id: int
    status: str
    receipt_number: str | None = None
    refund_id: str | None = None


class ReconciliationReport(msgspec.Struct, kw_only=True):
    id: int
    bank: str
    settlement_date: dt.date
    matched: int
    missing_ours: int
    missing_bank: int
    amount_difference: int


@get(
    "/api/v1/support/payment-exceptions",
    tags=["support"],
    summary="Money that arrived but did not fit, oldest first",
)
async def list_exceptions(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[ExceptionView]:
    require_support_staff(principal)
    return [msgspec.convert(row, ExceptionView) for row in await queries.open_exceptions(resources.pool)]


@post(
    "/api/v1/support/payment-exceptions/{exception_id:int}/resolve",
    tags=["support"],
    summary="Accept the money as the bill's payment, or ask for a refund",
    status_code=200,
)
async def resolve_exception(
    exception_id: FromPath[int],
    data: Annotated[Resolution, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> ResolutionResult:
    staff_id = require_support_staff(principal)
    async with unit_of_work(resources.pool, resources.queue) as work:
        connection = work.connection
        row = await connection.fetchrow(
            "SELECT id, kind, bank, callback_id, bill_id::text, payment_id::text, amount_satang, status "
            "FROM payment_exceptions WHERE id = $1 FOR UPDATE",
            exception_id,
        )
        if row is None or row["status"] != "open":
            raise NotFound("No open exception with that id.")
        if data.action == "refund":
            refund_id: str = await connection.fetchval(
                """
                INSERT INTO refunds (exception_id, payment_id, bank, amount_satang, reason, requested_by)
                VALUES ($1, $2::uuid, $3, $4, $5, $6::uuid) RETURNING id::text
                """,
                exception_id, row["payment_id"], row["bank"], row["amount_satang"], data.note, staff_id,
            )  # fmt: skip
            await _close(connection, exception_id, "refund_requested", staff_id, data.note)
            return ResolutionResult(exception_id=exception_id, status="refund_requested", refund_id=refund_id)
        receipt_number = await _accept(work, row, data.note)
        await _close(connection, exception_id, "accepted", staff_id, data.note)
        return ResolutionResult(exception_id=exception_id, status="accepted", receipt_number=receipt_number)


async def _accept(work: UnitOfWork, row: Any, note: str) -> str:
    """The late or different amount is taken as the bill's payment, settled as a bank's would be."""
    if row["kind"] not in ("late", "amount_mismatch") or row["payment_id"] is None:
        raise Conflict("Only a late payment or a different amount can be accepted; refund the others.")
    settled = await settle_payment(
        work,
        row["payment_id"],
        amount_satang=row["amount_satang"],
        bank=row["bank"],
        bank_reference=await queries.callback_bank_reference(
            work.connection, row["bank"], row["callback_id"]
        ),
        source="support",
        detail=note[:300],
    )
    if not settled.newly:  # this money came on top of money already accepted for the payment
        raise Conflict("The payment was already settled; refund this money instead.")
    return settled.receipt_number


async def _close(connection: Any, exception_id: int, status: str, staff_id: str, note: str) -> None:
    await connection.execute(
        """
        UPDATE payment_exceptions
        SET status = $2, resolved_by = $3::uuid, resolved_at = now(), resolution_note = $4
        WHERE id = $1
        """,
        exception_id,
        status,
        staff_id,
        note,
    )


@post(
    "/api/v1/support/reconciliations",
    tags=["support"],
    summary="Reconcile a bank's settlement file (CSV, UTF-8) for one day",
    status_code=201,
    request_max_body_size=_MAX_SETTLEMENT_BYTES,
)
async def import_settlement(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    bank: FromQuery[str],
    date: FromQuery[dt.date],
    file_name: FromQuery[str] = "settlement.csv",
) -> ReconciliationReport:
    staff_id = require_support_staff(principal)
    body = await request.body()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest(
            "The settlement file must be UTF-8 text; convert it (e.g. from TIS-620) first."
        ) from exc
    report = await reconcile(
        resources.pool,
        bank=bank,
        settlement_date=date,
        file_name=file_name,
        text=text,
        imported_by=staff_id,
    )
    return msgspec.convert(report, ReconciliationReport)


class RefundOutcome(msgspec.Struct, forbid_unknown_fields=True):
    state: Literal["success", "error"]


class RefundState(msgspec.Struct, kw_only=True):
    id: str
    state: str


@post(
    "/api/v1/support/refunds/{refund_id:uuid}",
    tags=["support"],
    summary="Record the bank's answer to a refund; the agency is told",
    status_code=200,
)
async def settle_refund(
    refund_id: FromPath[Any],
    data: Annotated[RefundOutcome, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> RefundState:
    require_support_staff(principal)
    async with unit_of_work(resources.pool, resources.queue) as work:
        row = await queries.set_refund_state(work.connection, str(refund_id), data.state)
        if row is None:
            raise NotFound("No refund waiting for the bank's answer has that id.")
        await work.add_task(REFUND_WEBHOOK_TASK, row["id"])
    return RefundState(id=row["id"], state=row["state"])


class PaymentEvent(msgspec.Struct, kw_only=True):
    from_state: str | None
    state: str
    source: str
    reason: str | None
    at: dt.datetime


class PaymentAttempt(msgspec.Struct, kw_only=True):
    id: str
    amount_satang: int
    state: str
    created_at: dt.datetime
    expires_at: dt.datetime
    completed_at: dt.datetime | None
    events: list[PaymentEvent]
    """Each change of state, oldest first."""


class ReceiptSummary(msgspec.Struct, kw_only=True):
    id: str
    payment_id: str
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
    citizen_id: str
    national_id_masked: str
    bills: list[BillHistory]
    """The citizen's newest bills, newest first (at most 100)."""


def _histories(
    bills: list[dict[str, Any]],
    payments: list[dict[str, Any]],
    events: list[dict[str, Any]],
    receipts: list[dict[str, Any]],
    refunds: list[dict[str, Any]],
) -> list[BillHistory]:
    events_of: dict[str, list[PaymentEvent]] = {}
    for row in events:
        events_of.setdefault(row.pop("payment_id"), []).append(msgspec.convert(row, PaymentEvent))
    payments_of: dict[str, list[PaymentAttempt]] = {}
    for row in payments:
        payments_of.setdefault(row.pop("bill_id"), []).append(
            PaymentAttempt(**row, events=events_of.get(row["id"], []))
        )
    receipts_of: dict[str, list[ReceiptSummary]] = {}
    for row in receipts:
        receipts_of.setdefault(row.pop("bill_id"), []).append(msgspec.convert(row, ReceiptSummary))
    refunds_of: dict[str, list[RefundView]] = {}
    for row in refunds:
        refunds_of.setdefault(row.pop("bill_id"), []).append(msgspec.convert(row, RefundView))
    return [
        BillHistory(
            **bill,
            payments=payments_of.get(bill["id"], []),
            receipts=receipts_of.get(bill["id"], []),
            refunds=refunds_of.get(bill["id"], []),
        )
        for bill in bills
    ]


@get(
    "/api/v1/support/citizens/{citizen_id:uuid}/payments",
    tags=["support"],
    summary="One citizen's bills, each payment attempt's timeline, refunds and receipts",
)
async def citizen_payments(
    citizen_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> CitizenPayments:
    staff_id = require_support_staff(principal)
    citizen = await look_up_citizen(
        resources,
        identity,
        str(citizen_id),
        staff_id=staff_id,
        purpose="Support staff looked at your bills and payments",
        fields=["bills", "payments", "receipts"],
    )
    bills = await queries.support_bills(resources.pool, citizen.citizen_id, _MAX_BILLS)
    bill_ids = [bill["id"] for bill in bills]
    payments = await queries.support_payments(resources.pool, bill_ids)
    events = await queries.support_payment_events(resources.pool, [payment["id"] for payment in payments])
    receipts = await queries.support_receipts(resources.pool, bill_ids)
    refunds = await queries.support_refunds(resources.pool, bill_ids)
    return CitizenPayments(
        citizen_id=citizen.citizen_id,
        national_id_masked=citizen.national_id_masked,
        bills=_histories(bills, payments, events, receipts, refunds),
    )


SUPPORT_PAYMENT_ROUTES = [
    list_exceptions,
    resolve_exception,
    import_settlement,
    settle_refund,
    citizen_payments,
]
