"""Support staff's side of payments: one citizen's bills and payment history ("I paid but it says
unpaid"), exceptions (money that did not fit) resolved by accepting or refunding, refunds waiting for the bank
and its answers, and bank settlement reconciliation. Guarded on the router: support staff and platform admins.
Every decision records who made it; every look-up at a citizen's payments is written to that citizen's
"who accessed my data" log, and staff see the national ID masked."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

import msgspec
from litestar import Request, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from backend.core.guards import support_staff
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity
from payments import reads, staff_service
from payments.schemas import (
    CitizenPayments,
    ExceptionView,
    ReconciliationReport,
    RefundOutcome,
    RefundState,
    Resolution,
    ResolutionResult,
    WaitingRefund,
)

_MAX_SETTLEMENT_BYTES = 20 * 1024 * 1024


@get("/payment-exceptions", summary="Money that arrived but did not fit, oldest first")
async def list_exceptions(resources: NamedDependency[Resources]) -> list[ExceptionView]:
    return await reads.open_exceptions(resources)


@post(
    "/payment-exceptions/{exception_id:int}/resolve",
    summary="Accept the money as the bill's payment, or ask for a refund",
    status_code=200,
)
async def resolve_exception(
    exception_id: FromPath[int],
    data: Annotated[Resolution, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> ResolutionResult:
    return await staff_service.resolve_exception(resources, principal, exception_id, data)


@post(
    "/reconciliations",
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
    return await staff_service.import_settlement(
        resources, principal, await request.body(), bank=bank, settlement_date=date, file_name=file_name
    )


@get("/refunds", summary="Refunds waiting for the bank's answer, oldest first")
async def list_waiting_refunds(resources: NamedDependency[Resources]) -> list[WaitingRefund]:
    return await reads.waiting_refunds(resources)


@post(
    "/refunds/{refund_id:uuid}",
    summary="Record the bank's answer to a refund; the agency is told",
    status_code=200,
)
async def settle_refund(
    refund_id: FromPath[Any],  # as payments.api.citizen.UuidPath says why
    data: Annotated[RefundOutcome, msgspec.Meta()],
    resources: NamedDependency[Resources],
) -> RefundState:
    return await staff_service.settle_refund(resources, refund_id, data)


@get(
    "/citizens/{citizen_id:uuid}/payments",
    summary="One citizen's bills, each payment attempt's timeline, refunds and receipts",
)
async def citizen_payments(
    citizen_id: FromPath[uuid.UUID],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> CitizenPayments:
    return await reads.citizen_payments(resources, identity, principal, citizen_id)


router = Router(
    "/api/v1/support",
    guards=[support_staff],
    tags=["support"],
    route_handlers=[
        list_exceptions,
        resolve_exception,
        import_settlement,
        list_waiting_refunds,
        settle_refund,
        citizen_payments,
    ],
)
