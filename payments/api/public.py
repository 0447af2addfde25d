"""Anyone: banks confirming payments (each request signed with the bank's secret, checked by the
service), the check that a receipt is genuine (no personal data), and the receipt page's stylesheet."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter
from litestar.status_codes import HTTP_200_OK

from backend.core.resources import Resources
from backend.core.signatures import SIGNATURE_HEADER
from payments import callbacks, reads
from payments.receipt_page import RECEIPT_CSS
from payments.schemas import CallbackResult, ReceiptVerification


@post(
    "/api/v1/payments/callbacks/{bank:str}",
    summary="A bank confirms a payment (signed; see docs/bank-callbacks.md)",
    status_code=HTTP_200_OK,
)
async def bank_callback(
    bank: FromPath[str],
    request: Request[Any, Any, Any],
    resources: NamedDependency[Resources],
    signature: Annotated[str | None, HeaderParameter(name=SIGNATURE_HEADER)] = None,
) -> CallbackResult:
    return await callbacks.bank_callback(resources, bank, await request.body(), signature)


@get("/api/v1/receipts/verify/{code:str}", summary="Anyone: is this receipt genuine? (no personal data)")
async def verify_receipt(code: FromPath[str], resources: NamedDependency[Resources]) -> ReceiptVerification:
    return await reads.verify_receipt(resources, code)


@get("/receipt.css", include_in_schema=False, media_type="text/css")
async def receipt_css() -> Response[str]:
    return Response(RECEIPT_CSS, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


router = Router("/", tags=["payments"], route_handlers=[bank_callback, verify_receipt, receipt_css])
