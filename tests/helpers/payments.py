"""Bills, bank callbacks and the test bank: the request bodies and set-ups the payment tests share."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from typing import Any

import httpx

from backend.core.resources import Resources
from backend.core.signatures import sign
from payments.queries import assign_biller, biller_owner
from tests.factories import make_agency
from tests.helpers.tasks import run_pending
from tests.integration.conftest import SignIn

BANK = "test-bank"
BANK_SECRET = b"test-bank-secret-0123456789"
DEFAULT_BILLER = "0994000165510"


async def issuer(sign_in: SignIn, resources: Resources) -> tuple[int, httpx.AsyncClient]:
    """An approved agency and its admin; the first in a test owns DEFAULT_BILLER, which bill() uses."""
    agency_id = await make_agency(resources.pool, status="approved")
    if await biller_owner(resources.pool, DEFAULT_BILLER) is None:
        await assign_biller(resources.pool, DEFAULT_BILLER, agency_id, None)
    return agency_id, await sign_in(("agency_admin", agency_id))


async def pending_payment(
    sign_in: SignIn, resources: Resources, national_id: str
) -> tuple[int, httpx.AsyncClient, dict[str, Any], httpx.AsyncClient, dict[str, Any]]:
    """An agency's bill for the citizen, who has started paying it: (agency id, agency, bill, citizen,
    payment)."""
    agency_id, agency = await issuer(sign_in, resources)
    issued = (await agency.post("/api/v1/agency/bills", json=bill(national_id))).json()
    citizen = await sign_in(national_id=national_id)
    payment = (
        await citizen.post(f"/api/v1/bills/{issued['id']}/payments", json={"idempotency_key": "k"})
    ).json()
    return agency_id, agency, issued, citizen, payment


def bill(national_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "national_id": national_id,
        "amount_satang": 30000,
        "due_date": "2026-12-31",
        "biller_id": DEFAULT_BILLER,
        "ref1": f"INV{uuid.uuid4().hex[:10].upper()}",
        "ref2": "CUST01",
        "description_th": "ค่าน้ำประปา พฤศจิกายน",
        "description_en": "Water, November",
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }


def _signed(
    body: dict[str, Any], *, at: float | None = None, secret: bytes = BANK_SECRET
) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    return raw, {"X-Signature": sign(secret, int(at or time.time()), raw), "Content-Type": "application/json"}


def callback(issued: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "callback_id": uuid.uuid4().hex,
        "biller_id": issued["biller_id"],
        "ref1": issued["ref1"],
        "ref2": issued["ref2"],
        "amount_satang": issued["amount_satang"],
        "paid_at": dt.datetime.now(dt.UTC).isoformat(),
        "bank_reference": "BNK-1",
        **overrides,
    }


async def post_callback(
    client: httpx.AsyncClient, body: dict[str, Any], **sign_options: Any
) -> httpx.Response:
    raw, headers = _signed(body, **sign_options)
    return await client.post(f"/api/v1/payments/callbacks/{BANK}", content=raw, headers=headers)


async def tell_receipts(resources: Resources) -> list[str]:
    """Runs the receipt-message tasks settlements queued, as the worker would (the API runs none)."""
    return await run_pending(resources, "payments.receipt_message")
