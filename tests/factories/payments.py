"""Bills and payments in any state, written as issuing a bill, starting a payment and settling it do."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Literal

from backend.core.db import Pool
from payments import queries as payment_queries
from payments import settlement_queries
from payments.rows import BillRecord, PaymentRow
from payments.schemas import BillView
from payments.service import qr_payload
from tests.factories._ids import Id, as_uuid
from tests.factories._numbers import next_number

DEFAULT_BILLER = "0994000165510"
PaymentState = Literal["created", "pending", "success", "failed", "expired", "cancelled"]


async def make_bill(
    pool: Pool,
    agency_id: int,
    national_id_hash: bytes,
    *,
    amount_satang: int = 30000,
    biller_id: str = DEFAULT_BILLER,
    status: Literal["unpaid", "paid", "cancelled"] = "unpaid",
    due_date: dt.date | None = None,
) -> BillView:
    """A bill for the holder of the national ID whose keyed hash is ``national_id_hash``."""
    number = next_number()
    record = BillRecord(
        agency_id=agency_id,
        national_id_hash=national_id_hash,
        amount_satang=amount_satang,
        due_date=due_date or dt.date.today() + dt.timedelta(days=14),
        biller_id=biller_id,
        ref1=f"INV{number:010d}",
        ref2=None,
        description_th=f"ค่าน้ำประปา {number}",
        description_en=f"Water {number}",
        idempotency_key=f"factory-bill-{number}",
        request_hash=b"factory",
        issued_by_client="tests",
        issued_by=None,
    )
    async with pool.acquire() as connection:
        bill_id = await payment_queries.insert_bill(connection, record)
    assert bill_id is not None
    if status != "unpaid":
        await pool.execute(
            "UPDATE bills SET status = $2, paid_at = CASE WHEN $2 = 'paid' THEN now() END "
            "WHERE id = $1::uuid",
            bill_id,
            status,
        )
    found = await payment_queries.bill(pool, bill_id)
    assert found is not None
    return found


async def make_payment(
    pool: Pool, bill: BillView, citizen_id: Id, *, state: PaymentState = "pending"
) -> PaymentRow:
    """The citizen's payment of the bill. ``success`` settles it as the bank's callback does: the bill
    paid, and a receipt."""
    number = next_number()
    async with pool.acquire() as connection, connection.transaction():
        payment = await payment_queries.insert_payment(
            connection,
            bill_id=bill.id,
            citizen_id=as_uuid(citizen_id),
            amount_satang=bill.amount_satang,
            qr_payload=qr_payload(bill.biller_id, bill.ref1, bill.ref2, bill.amount_satang),
            idempotency_key=f"factory-payment-{number}",
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15),
        )
        if state != "pending":
            await connection.execute(
                "UPDATE payments SET state = $2, completed_at = CASE WHEN $2 = 'success' THEN now() END "
                "WHERE id = $1::uuid",
                payment.id,
                state,
            )
        if state == "success":
            await connection.execute(
                "UPDATE bills SET status = 'paid', paid_at = now() WHERE id = $1::uuid", bill.id
            )
            await settlement_queries.insert_receipt(
                connection,
                payment_id=payment.id,
                bill_id=bill.id,
                amount_satang=bill.amount_satang,
                bank="test-bank",
                bank_reference=f"BNK-{number}",
                verification_code=secrets.token_urlsafe(12),
            )
    found = await payment_queries.payment(pool, payment.id)
    assert found is not None
    return found
