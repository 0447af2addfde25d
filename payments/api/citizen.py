"""Citizens: their bills, paying one by Thai QR and following the payment live, their receipts (a
receipt's verification QR and printable page). Guarded on the routers: a person logged in with their
digital ID; another citizen's bill, payment or receipt is simply not there (404)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import MediaType, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_201_CREATED

from backend.core.guards import person
from backend.core.pagination import MAX_PAGE, NEXT_PAGE, page_response
from backend.core.principal import Principal
from backend.core.qr import MEDIA_TYPES, ImageFormat
from backend.core.resources import Resources
from backend.identity.service import Identity
from payments import live, reads, service
from payments.live import PaymentStates
from payments.schemas import BillStatus, BillView, NewPayment, PaymentView, ReceiptView

# The ``:uuid`` path converter hands a uuid.UUID; annotated Any as before, so that the OpenAPI document
# (and the PWA's types generated from it) describe these parameters as they always have.
UuidPath = FromPath[Any]


PageSize = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="How many to list (at most 200)")]


@get("/bills", summary="The citizen's bills, unpaid first, in pages", response_headers=NEXT_PAGE)
async def my_bills(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    status: FromQuery[BillStatus | None] = None,
    cursor: FromQuery[str | None] = None,
    limit: PageSize = 50,
) -> Response[list[BillView]]:
    items, next_cursor = await reads.my_bills(resources, identity, principal, status, cursor, limit)
    return page_response(request, items, next_cursor)


@post(
    "/bills/{bill_id:uuid}/payments",
    summary="Pay a bill: a Thai QR that expires",
    status_code=HTTP_201_CREATED,
)
async def pay(
    bill_id: UuidPath,
    data: Annotated[NewPayment, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> PaymentView:
    return await service.pay(resources, identity, principal, bill_id, data)


@get("/payments/{payment_id:uuid}", summary="A payment's state (and receipt once paid)")
async def payment_state(
    payment_id: UuidPath,
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> PaymentView:
    return await reads.payment_state(resources, principal, payment_id)


@get("/payments/{payment_id:uuid}/live", summary="Server-sent events: the state as it changes")
async def payment_live(
    payment_id: UuidPath,
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    payment_states: NamedDependency[PaymentStates],
) -> ServerSentEvent:
    states = await live.watch(resources, payment_states, principal, payment_id)
    return ServerSentEvent(states, event_type="payment")


@get(
    ["/payments/{payment_id:uuid}/qr.svg", "/payments/{payment_id:uuid}/qr.png"],
    summary="The payment's QR code as SVG or PNG",
)
async def payment_qr(
    payment_id: UuidPath,
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Response[bytes]:
    kind: ImageFormat = "svg" if request.url.path.endswith(".svg") else "png"
    image = await reads.payment_qr(resources, principal, payment_id, kind)
    return Response(image, media_type=MEDIA_TYPES[kind], headers={"Cache-Control": "private, max-age=900"})


@get("/receipts", summary="The citizen's receipts, newest first, in pages", response_headers=NEXT_PAGE)
async def my_receipts(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    cursor: FromQuery[str | None] = None,
    limit: PageSize = 50,
) -> Response[list[ReceiptView]]:
    items, next_cursor = await reads.my_receipts(resources, identity, principal, cursor, limit)
    return page_response(request, items, next_cursor)


@get("/receipts/{receipt_id:uuid}/verification-qr.svg", summary="QR of the receipt's public verification URL")
async def receipt_qr(
    receipt_id: UuidPath,
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[bytes]:
    image = await reads.receipt_qr(resources, identity, principal, receipt_id)
    return Response(image, media_type="image/svg+xml")


@get("/{receipt_id:uuid}", include_in_schema=False)
async def receipt_page(
    receipt_id: UuidPath,
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[str]:
    page = await reads.receipt_page(resources, identity, principal, receipt_id)
    return Response(page, media_type=MediaType.HTML, headers={"Cache-Control": "private, no-store"})


router = Router(
    "/api/v1",
    guards=[person],
    tags=["payments"],
    route_handlers=[my_bills, pay, payment_state, payment_live, payment_qr, my_receipts, receipt_qr],
)
receipt_pages = Router("/receipts", guards=[person], route_handlers=[receipt_page])
"""The printable receipt the PWA links to (``/receipts/{id}``), outside the API."""
