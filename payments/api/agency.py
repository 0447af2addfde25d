"""Agency staff and systems: bills issued, listed and cancelled, their billers, refunds asked for and
listed. Guarded on the routers: under ``/api/v1/agency/{agency_id}``, staff of that agency with the
bills permission (or its system with the ``bills`` scope); where the agency comes from the body
(issuing a bill) or from the payment (a refund), any agency's staff or system, and the service checks
the same permission for that agency."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.core.guards import agency_may, agency_member
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity
from payments import reads, service, staff_service
from payments.schemas import AgencyBillsPage, BillStatus, BillView, NewBill, NewRefund, RefundView


@post("/bills", summary="Issue a bill (idempotent by key)", status_code=HTTP_201_CREATED)
async def issue(
    data: Annotated[NewBill, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[BillView]:
    bill, created = await service.issue(resources, identity.cipher, principal, data)
    return Response(bill, status_code=HTTP_201_CREATED if created else HTTP_200_OK)


@post("/refunds", summary="Ask for (part of) a payment to be refunded", status_code=HTTP_201_CREATED)
async def request_refund(
    data: Annotated[NewRefund, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> RefundView:
    return await staff_service.request_refund(resources, principal, data)


@get("/bills", summary="The agency's bills, newest first, with payment states and totals per status")
async def agency_bills(
    agency_id: FromPath[int],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
    status: FromQuery[BillStatus | None] = None,
    before: FromQuery[uuid.UUID | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
) -> AgencyBillsPage:
    return await reads.agency_bills(resources, identity.cipher, agency_id, status, before, limit)


@get("/billers", summary="The biller IDs the agency may issue bills under")
async def list_billers(agency_id: FromPath[int], resources: NamedDependency[Resources]) -> list[str]:
    return await staff_service.agency_billers(resources, agency_id)


@post("/bills/{bill_id:uuid}/cancel", summary="Cancel an unpaid bill", status_code=HTTP_200_OK)
async def cancel_bill(
    agency_id: FromPath[int], bill_id: FromPath[uuid.UUID], resources: NamedDependency[Resources]
) -> BillView:
    return await staff_service.cancel_bill(resources, agency_id, bill_id)


@get("/refunds", summary="The agency's refunds and their states")
async def list_refunds(agency_id: FromPath[int], resources: NamedDependency[Resources]) -> list[RefundView]:
    return await reads.agency_refunds(resources, agency_id)


from_the_body = Router(
    "/api/v1/agency", guards=[agency_member], tags=["payments"], route_handlers=[issue, request_refund]
)
of_the_path = Router(
    "/api/v1/agency/{agency_id:int}",
    guards=[agency_may("bills")],
    tags=["payments"],
    route_handlers=[agency_bills, list_billers, cancel_bill, list_refunds],
)
