"""Support staff's side of payments: exceptions (money that did not fit) resolved by accepting or
refunding, refunds, and bank settlement reconciliation. Every decision records who made it."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from backend.core.errors import BadRequest, Conflict, NotFound
from backend.core.tasks import unit_of_work
from backend.identity.guards import Principal, require_support_staff
from backend.lifespan import Resources
from payments import queries
from payments.reconcile import reconcile
from payments.service import REFUND_WEBHOOK_TASK, WEBHOOK_TASK

_MAX_SETTLEMENT_BYTES = 20 * 1024 * 1024


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
        receipt_number = await _accept(connection, row, staff_id, data.note)
        await _close(connection, exception_id, "accepted", staff_id, data.note)
        await work.add_task(WEBHOOK_TASK, row["payment_id"])  # the agency hears the bill is paid
        return ResolutionResult(exception_id=exception_id, status="accepted", receipt_number=receipt_number)


async def _accept(connection: Any, row: Any, staff_id: str, note: str) -> str:
    """The late or different amount is taken as the bill's payment: the citizen gets a receipt."""
    if row["kind"] not in ("late", "amount_mismatch") or row["payment_id"] is None:
        raise Conflict("Only a late payment or a different amount can be accepted; refund the others.")
    bill = await connection.fetchrow(
        "SELECT status FROM bills WHERE id = $1::uuid FOR UPDATE", row["bill_id"]
    )
    if bill is None or bill["status"] != "unpaid":
        raise Conflict("The bill is no longer unpaid; refund this money instead.")
    payment = await connection.fetchrow(
        "SELECT state FROM payments WHERE id = $1::uuid FOR UPDATE", row["payment_id"]
    )
    await connection.execute(
        "UPDATE payments SET state = 'success', completed_at = now(), amount_satang = $2 WHERE id = $1::uuid",
        row["payment_id"],
        row["amount_satang"],
    )
    await connection.execute(
        "UPDATE bills SET status = 'paid', paid_at = now() WHERE id = $1::uuid", row["bill_id"]
    )
    await queries.add_event(connection, row["payment_id"], payment["state"], "success", "support", note[:300])
    return await queries.insert_receipt(
        connection,
        payment_id=row["payment_id"],
        bill_id=row["bill_id"],
        amount_satang=row["amount_satang"],
        bank=row["bank"],
        bank_reference=row["callback_id"],
        verification_code=secrets.token_urlsafe(12),
    )


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


SUPPORT_PAYMENT_ROUTES = [list_exceptions, resolve_exception, import_settlement, settle_refund]
