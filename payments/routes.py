"""HTTP surface of payments: agencies issue bills; citizens list and pay them and follow the payment
live; banks confirm payments; anyone can check a receipt is genuine."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, QueryParameter
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from backend.core.crypto import is_valid_national_id
from backend.core.errors import BadRequest, Conflict, FieldError, Forbidden, InvalidInput, NotFound
from backend.core.principal import (
    Principal,
    agencies_of,
    require_agency_permission,
    require_person,
    require_platform_admin,
)
from backend.core.qr import MEDIA_TYPES, ImageFormat, qr_image
from backend.core.resources import Resources
from backend.core.signatures import SIGNATURE_HEADER, verify_signature
from backend.core.text import refuse_hidden_text
from backend.identity import queries as identity_queries
from backend.identity.service import Identity
from backend.identity.step_up import require_step_up
from payments import queries
from payments.service import (
    FINAL_STATES,
    BankCallback,
    BillStatus,
    CallbackResult,
    NewBill,
    apply_callback,
    ensure_found,
    issue_bill,
    require_bank_secret,
    start_payment,
)

_LIVE_POLL_SECONDS = 1.0
_LIVE_MAX_SECONDS = 20 * 60


class BillView(msgspec.Struct, kw_only=True):
    id: str
    agency_id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    amount_satang: int
    due_date: dt.date
    biller_id: str
    ref1: str
    ref2: str | None
    description_th: str
    description_en: str
    status: str
    created_at: dt.datetime
    paid_at: dt.datetime | None


class NewPayment(msgspec.Struct, forbid_unknown_fields=True):
    idempotency_key: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class PaymentView(msgspec.Struct, kw_only=True):
    id: str
    bill_id: str
    amount_satang: int
    state: str
    qr_payload: str
    qr_svg_url: str
    qr_png_url: str
    expires_at: dt.datetime
    created_at: dt.datetime
    completed_at: dt.datetime | None
    receipt: ReceiptView | None = None


class ReceiptView(msgspec.Struct, kw_only=True):
    id: str
    number: str
    amount_satang: int
    paid_at: dt.datetime
    bank: str
    bill_id: str
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    description_th: str
    description_en: str
    verification_url: str


class ReceiptVerification(msgspec.Struct, kw_only=True):
    """What anyone holding the receipt's QR may see: that it is genuine, and no personal data."""

    genuine: bool
    number: str
    amount_satang: int
    paid_at: dt.datetime
    agency_name_th: str
    agency_name_en: str
    description_en: str


def _payment_view(row: dict[str, Any], receipt: dict[str, Any] | None, public_url: str) -> PaymentView:
    base = f"/api/v1/payments/{row['id']}"
    return PaymentView(
        **{
            key: row[key]
            for key in (
                "id",
                "bill_id",
                "amount_satang",
                "state",
                "qr_payload",
                "expires_at",
                "created_at",
                "completed_at",
            )
        },
        qr_svg_url=f"{base}/qr.svg",
        qr_png_url=f"{base}/qr.png",
        receipt=_receipt_view(receipt, public_url) if receipt else None,
    )


_RECEIPT_FIELDS = (
    "id", "number", "amount_satang", "paid_at", "bank", "bill_id", "agency_code", "agency_name_th",
    "agency_name_en", "description_th", "description_en",
)  # fmt: skip


def _receipt_view(row: dict[str, Any], public_url: str) -> ReceiptView:
    return ReceiptView(
        **{key: row[key] for key in _RECEIPT_FIELDS},
        verification_url=f"{public_url}/api/v1/receipts/verify/{row['verification_code']}",
    )


async def _citizen_hash(principal: Principal, identity: Identity, resources: Resources) -> tuple[str, bytes]:
    person = require_person(principal)
    assert person.citizen_id is not None
    row = await identity_queries.citizen_by_id(resources.pool, person.citizen_id)
    if row is None:
        raise NotFound("Your account no longer exists.")
    national_id = identity.cipher.decrypt(row["national_id_key_id"], row["national_id_ciphertext"])
    return person.citizen_id, identity.cipher.lookup_hash(national_id)


# --- agencies ---------------------------------------------------------------------------------


@post(
    "/api/v1/agency/bills",
    tags=["payments"],
    summary="Issue a bill (idempotent by key)",
    status_code=HTTP_201_CREATED,
)
async def issue(
    data: Annotated[NewBill, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[BillView]:
    refuse_hidden_text(data)
    agency_id = data.agency_id
    if agency_id is None:
        mine = agencies_of(principal)
        if len(mine) != 1:
            raise BadRequest("Say which agency issues this bill (agency_id).")
        agency_id = next(iter(mine))
    require_agency_permission(principal, agency_id, "bills")
    if await queries.biller_owner(resources.pool, data.biller_id) != agency_id:
        raise InvalidInput(
            errors=[
                FieldError(
                    field="biller_id",
                    message="is not a biller ID of this agency (a platform admin assigns them)",
                )
            ]
        )
    if not is_valid_national_id(data.national_id):
        raise InvalidInput(
            errors=[FieldError(field="national_id", message="is not a valid 13-digit national ID")]
        )
    bill_id, created = await issue_bill(
        resources.pool,
        data,
        agency_id=agency_id,
        national_id_hash=identity.cipher.lookup_hash(data.national_id),
        issued_by=principal.citizen_id,
        client=principal.client_id,
    )
    row = ensure_found(await queries.bill(resources.pool, bill_id), "bill")
    if row["agency_id"] != agency_id:
        raise Forbidden("This idempotency key belongs to another agency's bill.")
    return Response(msgspec.convert(row, BillView), status_code=HTTP_201_CREATED if created else HTTP_200_OK)


class IssuedBill(msgspec.Struct, kw_only=True):
    """What a bill says, as staff listings show it."""

    id: str
    biller_id: str
    ref1: str
    ref2: str | None
    description_th: str
    description_en: str
    amount_satang: int
    due_date: dt.date
    issued_at: dt.datetime
    status: str
    paid_at: dt.datetime | None


class AgencyBill(IssuedBill, kw_only=True):
    """A bill as its issuing agency sees it. No national ID, not even masked: the agency issued the bill
    with it and refers to it by ref1/ref2, and whether that person has an account here is not its to learn."""

    idempotency_key: str
    payment_id: str | None
    """The latest attempt to pay it (None before any): its id, state and when it took that state."""
    payment_state: str | None
    payment_at: dt.datetime | None
    receipt_number: str | None


class StatusTotal(msgspec.Struct, kw_only=True):
    count: int
    total_satang: int


class BillSummary(msgspec.Struct, kw_only=True):
    """Over all the agency's bills, whatever the page or its status filter."""

    unpaid: StatusTotal
    paid: StatusTotal
    cancelled: StatusTotal


class AgencyBillsPage(msgspec.Struct, kw_only=True):
    items: list[AgencyBill]
    next_before: str | None
    """Pass as ``before`` for the next (older) page; None on the last page."""
    summary: BillSummary


def _bill_summary(totals: dict[str, tuple[int, int]]) -> BillSummary:
    def total(status: BillStatus) -> StatusTotal:
        count, satang = totals.get(status, (0, 0))
        return StatusTotal(count=count, total_satang=satang)

    return BillSummary(unpaid=total("unpaid"), paid=total("paid"), cancelled=total("cancelled"))


@get(
    "/api/v1/agency/{agency_id:int}/bills",
    tags=["payments"],
    summary="The agency's bills, newest first, with payment states and totals per status",
)
async def agency_bills(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    status: FromQuery[BillStatus | None] = None,
    before: FromQuery[uuid.UUID | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
) -> AgencyBillsPage:
    require_agency_permission(principal, agency_id, "bills")
    position = None
    if before is not None:
        position = await queries.agency_bill_position(resources.pool, agency_id, str(before))
        if position is None:
            raise InvalidInput(errors=[FieldError(field="before", message="is not a bill of this agency")])
    rows = await queries.agency_bills(resources.pool, agency_id, status, position, limit + 1)
    totals = await queries.agency_bill_totals(resources.pool, agency_id)
    items = [AgencyBill(**row) for row in rows[:limit]]
    return AgencyBillsPage(
        items=items,
        next_before=items[-1].id if len(rows) > limit else None,
        summary=_bill_summary(totals),
    )


# --- citizens ---------------------------------------------------------------------------------


@get("/api/v1/bills", tags=["payments"], summary="The citizen's bills, unpaid first")
async def my_bills(
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
    status: FromQuery[BillStatus | None] = None,
) -> list[BillView]:
    _, national_id_hash = await _citizen_hash(principal, identity, resources)
    return [
        msgspec.convert(row, BillView)
        for row in await queries.bills_for(resources.pool, national_id_hash, status)
    ]


async def _my_bill(bill_id: str, national_id_hash: bytes, resources: Resources) -> dict[str, Any]:
    row = await queries.bill(resources.pool, bill_id)
    if row is None or row["national_id_hash"] != national_id_hash:
        raise NotFound("No such bill.")  # another citizen's bill is simply not there
    return row


@post(
    "/api/v1/bills/{bill_id:uuid}/payments",
    tags=["payments"],
    summary="Pay a bill: a Thai QR that expires",
    status_code=HTTP_201_CREATED,
)
async def pay(
    bill_id: FromPath[Any],
    data: Annotated[NewPayment, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> PaymentView:
    citizen_id, national_id_hash = await _citizen_hash(principal, identity, resources)
    bill = await _my_bill(str(bill_id), national_id_hash, resources)
    settings = resources.settings
    if bill["amount_satang"] >= settings.payment_step_up_satang:
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
    )
    return _payment_view(row, None, settings.public_url)


async def _my_payment(payment_id: str, principal: Principal, resources: Resources) -> dict[str, Any]:
    person = require_person(principal)
    row = await queries.payment(resources.pool, payment_id)
    if row is None or row["citizen_id"] != person.citizen_id:
        raise NotFound("No such payment.")
    return row


@get(
    "/api/v1/payments/{payment_id:uuid}",
    tags=["payments"],
    summary="A payment's state (and receipt once paid)",
)
async def payment_state(
    payment_id: FromPath[Any], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> PaymentView:
    row = await _my_payment(str(payment_id), principal, resources)
    receipt = (
        await queries.receipt_for_payment(resources.pool, row["id"]) if row["state"] == "success" else None
    )
    return _payment_view(row, receipt, resources.settings.public_url)


@get(
    "/api/v1/payments/{payment_id:uuid}/live",
    tags=["payments"],
    summary="Server-sent events: the state as it changes",
)
async def payment_live(
    payment_id: FromPath[Any], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> ServerSentEvent:
    first = await _my_payment(str(payment_id), principal, resources)

    async def states() -> AsyncIterator[str]:
        # One indexed read a second per watching phone, ended when the payment is final or after
        # 20 minutes; the client reconnects (EventSource does so by itself) if it still cares.
        last = None
        started = time.monotonic()
        while time.monotonic() - started < _LIVE_MAX_SECONDS:
            row = await queries.payment(resources.pool, first["id"])
            if row is None:
                return
            if row["state"] != last:
                last = row["state"]
                yield msgspec.json.encode({"state": last}).decode()
            if last in FINAL_STATES:
                return
            await asyncio.sleep(_LIVE_POLL_SECONDS)

    return ServerSentEvent(states(), event_type="payment")


@get(
    ["/api/v1/payments/{payment_id:uuid}/qr.svg", "/api/v1/payments/{payment_id:uuid}/qr.png"],
    tags=["payments"],
    summary="The payment's QR code as SVG or PNG",
)
async def payment_qr(
    payment_id: FromPath[Any],
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Response[bytes]:
    row = await _my_payment(str(payment_id), principal, resources)
    kind: ImageFormat = "svg" if request.url.path.endswith(".svg") else "png"
    image = await qr_image(resources.redis, row["qr_payload"], kind)
    return Response(image, media_type=MEDIA_TYPES[kind], headers={"Cache-Control": "private, max-age=900"})


@get("/api/v1/receipts", tags=["payments"], summary="The citizen's receipts, newest first")
async def my_receipts(
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> list[ReceiptView]:
    _, national_id_hash = await _citizen_hash(principal, identity, resources)
    rows = await queries.receipts_for(resources.pool, national_id_hash)
    return [_receipt_view(row, resources.settings.public_url) for row in rows]


@get(
    "/api/v1/receipts/verify/{code:str}",
    tags=["payments"],
    summary="Anyone: is this receipt genuine? (no personal data)",
)
async def verify_receipt(code: FromPath[str], resources: NamedDependency[Resources]) -> ReceiptVerification:
    row = await queries.receipt_by_code(resources.pool, code)
    if row is None:
        raise NotFound("No receipt has this verification code: it is not genuine.")
    return ReceiptVerification(
        genuine=True,
        number=row["number"],
        amount_satang=row["amount_satang"],
        paid_at=row["paid_at"],
        agency_name_th=row["agency_name_th"],
        agency_name_en=row["agency_name_en"],
        description_en=row["description_en"],
    )


class NewRefund(msgspec.Struct, forbid_unknown_fields=True):
    payment_id: uuid.UUID
    amount_satang: Annotated[int, msgspec.Meta(ge=1)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class RefundView(msgspec.Struct, kw_only=True):
    id: str
    payment_id: str
    amount_satang: int
    state: str
    reason: str
    created_at: dt.datetime
    updated_at: dt.datetime


@post(
    "/api/v1/agency/refunds",
    tags=["payments"],
    summary="Ask for (part of) a payment to be refunded",
    status_code=HTTP_201_CREATED,
)
async def request_refund(
    data: Annotated[NewRefund, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> RefundView:
    refuse_hidden_text(data)
    async with resources.pool.acquire() as connection, connection.transaction():
        payment = await queries.refundable(connection, str(data.payment_id))
        if payment is None:
            raise NotFound("No successful payment has that id.")
        require_agency_permission(principal, payment["agency_id"], "bills")
        if data.amount_satang > payment["left_satang"]:
            raise Conflict(f"At most {payment['left_satang']} satang of this payment can still be refunded.")
        refund_id = await queries.insert_refund(
            connection,
            payment_id=str(data.payment_id),
            bank=payment["bank"],
            amount_satang=data.amount_satang,
            reason=data.reason,
            requested_by=principal.citizen_id,
            requested_by_client=principal.client_id,
        )
    [row] = [
        r for r in await queries.agency_refunds(resources.pool, payment["agency_id"]) if r["id"] == refund_id
    ]
    return msgspec.convert(row, RefundView)


@get(
    "/api/v1/agency/{agency_id:int}/refunds",
    tags=["payments"],
    summary="The agency's refunds and their states",
)
async def list_refunds(
    agency_id: FromPath[int], principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[RefundView]:
    require_agency_permission(principal, agency_id, "bills")
    return [
        msgspec.convert(row, RefundView) for row in await queries.agency_refunds(resources.pool, agency_id)
    ]


class NewBiller(msgspec.Struct, forbid_unknown_fields=True):
    biller_id: Annotated[str, msgspec.Meta(pattern="^[0-9]{13}([0-9]{2})?$")]


@post(
    "/api/v1/admin/agencies/{agency_id:int}/billers",
    tags=["administration"],
    summary="Assign a biller ID to an agency",
    status_code=HTTP_201_CREATED,
)
async def assign_biller(
    agency_id: FromPath[int],
    data: Annotated[NewBiller, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> list[str]:
    admin = require_platform_admin(principal)
    if await identity_queries.agency_status(resources.pool, agency_id) is None:
        raise NotFound("No such agency.")
    if not await queries.assign_biller(resources.pool, data.biller_id, agency_id, admin.citizen_id):
        raise Conflict("This biller ID belongs to another agency.")
    return await queries.agency_biller_ids(resources.pool, agency_id)


# --- banks ------------------------------------------------------------------------------------


@post(
    "/api/v1/payments/callbacks/{bank:str}",
    tags=["payments"],
    summary="A bank confirms a payment (signed; see docs/bank-callbacks.md)",
    status_code=HTTP_200_OK,
)
async def bank_callback(
    bank: FromPath[str],
    request: Request[Any, Any, Any],
    resources: NamedDependency[Resources],
    signature: Annotated[str | None, HeaderParameter(name=SIGNATURE_HEADER)] = None,
) -> CallbackResult:
    secret = require_bank_secret(resources.settings.bank_secret_map, bank)
    body = await request.body()
    verify_signature(secret, signature, body)
    try:
        callback = msgspec.json.decode(body, type=BankCallback)
        raw = msgspec.json.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise BadRequest(f"The callback body is not valid: {exc}") from exc
    return await apply_callback(resources.pool, resources.queue, bank, callback, raw)


PAYMENT_ROUTES = [
    issue,
    agency_bills,
    my_bills,
    pay,
    payment_state,
    payment_live,
    payment_qr,
    my_receipts,
    verify_receipt,
    request_refund,
    list_refunds,
    assign_biller,
    bank_callback,
]
