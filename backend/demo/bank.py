"""A demo bank (demo mode only): paste a Thai QR payload, see what it pays, pay it.

It parses the payload with our own parser and sends the platform a correctly signed callback, the
way a real bank would, so a new user can pay a demo bill end to end from ``make run`` alone.
Decoding an uploaded QR image is not offered: pasting the payload (the app shows it under the QR)
covers the demonstration without an image-decoding dependency.
"""

from __future__ import annotations

import html
import json
import time
import uuid
from decimal import Decimal
from typing import Annotated, Any

import httpx
import msgspec
from litestar import MediaType, Response, get, post
from litestar.datastructures import State
from litestar.handlers import HTTPRouteHandler
from litestar.params import URLEncodedBody

from backend.core.signatures import sign
from backend.settings import Settings
from payments.thaiqr import ThaiQRError, parse

BANK = "demo-bank"


class PayloadForm(msgspec.Struct):
    payload: Annotated[str, msgspec.Meta(max_length=512)] = ""


def _page(body: str) -> Response[str]:
    document = (
        '<!doctype html><html lang="th"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Demo bank</title></head>'
        f"<body><h1>ธนาคารสาธิต · Demo bank</h1><p><strong>Demo only: no real money moves.</strong></p>{body}</body></html>"
    )
    return Response(document, media_type=MediaType.HTML, headers={"Cache-Control": "no-store"})


def _form(action: str, payload: str, button: str, editable: bool) -> str:
    field = (
        f'<textarea name="payload" rows="4" cols="60" required>{html.escape(payload)}</textarea>'
        if editable
        else f'<input type="hidden" name="payload" value="{html.escape(payload)}">'
    )
    return (
        f'<form method="post" action="{action}">{field}<p><button type="submit">{button}</button></p></form>'
    )


def demo_bank_routes(settings: Settings) -> list[HTTPRouteHandler]:
    if not settings.demo_mode:
        raise RuntimeError("The demo bank exists only in demo mode")
    secret = settings.bank_secret_map[BANK]

    @get("/demo-bank", include_in_schema=False)
    async def start() -> Response[str]:
        return _page(
            "<p>Paste the payment code shown under the QR in the app.</p>"
            + _form("/demo-bank/review", "", "Read code", True)
        )

    @post("/demo-bank/review", include_in_schema=False, status_code=200)
    async def review(data: URLEncodedBody[PayloadForm]) -> Response[str]:
        try:
            qr = parse(data.payload)
        except ThaiQRError as exc:
            return _page(
                f"<p>This is not a payment we can make: {html.escape(str(exc))}</p>"
                + _form("/demo-bank/review", data.payload, "Read code", True)
            )
        if qr.kind != "bill" or qr.amount is None:
            return _page("<p>The demo bank pays bills with an amount only.</p>")
        details = (
            f"<dl><dt>Biller</dt><dd>{html.escape(qr.biller_id or '')}</dd><dt>Reference 1</dt><dd>{html.escape(qr.ref1 or '')}</dd>"
            f"<dt>Reference 2</dt><dd>{html.escape(qr.ref2 or '-')}</dd><dt>Amount</dt><dd>{qr.amount:,.2f} THB</dd></dl>"
        )
        return _page(details + _form("/demo-bank/pay", data.payload, f"Pay {qr.amount:,.2f} THB", False))

    @post("/demo-bank/pay", include_in_schema=False, status_code=200)
    async def pay(data: URLEncodedBody[PayloadForm], state: State) -> Response[str]:
        try:
            qr = parse(data.payload)
        except ThaiQRError as exc:
            return _page(f"<p>{html.escape(str(exc))}</p>")
        callback: dict[str, Any] = {
            "callback_id": f"DEMO-{uuid.uuid4().hex[:16].upper()}",
            "biller_id": qr.biller_id,
            "ref1": qr.ref1,
            "ref2": qr.ref2,
            "amount_satang": int((qr.amount or Decimal(0)) * 100),
            "paid_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "bank_reference": f"DEMO{int(time.time())}",
        }
        body = json.dumps(callback).encode()
        self_http: httpx.AsyncClient = state.self_http
        answer = await self_http.post(
            f"{settings.public_url}/api/v1/payments/callbacks/{BANK}",
            content=body,
            headers={"Content-Type": "application/json", "X-Signature": sign(secret, int(time.time()), body)},
        )
        outcome = (
            answer.json().get("outcome", "error")
            if answer.status_code == 200
            else f"refused ({answer.status_code})"
        )
        message = {
            "paid": "Paid. The app shows the receipt now.",
            "exception": "The bank sent the money, but it did not fit the bill (late or already paid): support staff will sort it out.",
        }.get(outcome, f"The platform {outcome}.")
        return _page(f'<p>{html.escape(message)}</p><p><a href="/demo-bank">Pay another</a></p>')

    return [start, review, pay]
