"""Bills the demo welfare department issued, so that its administrator (Kanda) opens a bills tab with one
of each state on the first run: unpaid, paid (with its receipt, as the bank's payment leaves it) and
cancelled; the cancelled one was paid at the bank anyway, so support staff (Siri) find a payment
exception to refund. They are addressed to two demo citizens no walkthrough uses for bills (Prayoon and
Boonmee), so the other citizens' bills and receipts stay as the citizen demo describes them. Added once."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from backend.core.crypto import NationalIdCipher
from backend.core.db import Connection
from backend.demo.bank import BANK
from backend.demo.people import DEMO_PEOPLE, DemoPerson
from backend.identity import queries as identity_queries
from payments import queries as payment_queries
from payments import settlement_queries
from payments.rows import BillRecord
from payments.service import qr_payload

_FEE_TH, _FEE_EN = "ค่าธรรมเนียมออกบัตรสวัสดิการแห่งรัฐแทนบัตรที่หาย", "Fee for a replacement state welfare card"
_BACK_TH, _BACK_EN = "คืนเบี้ยยังชีพที่โอนเกิน", "Repayment of an allowance paid twice"

# person, reference, Thai, English, amount in satang, what became of it
WELFARE_BILLS = (
    ("prayoon", "WD0001", _BACK_TH, _BACK_EN, 60000, "unpaid"),
    ("boonmee", "WD0002", _FEE_TH, _FEE_EN, 10000, "paid"),
    ("prayoon", "WD0003", _FEE_TH, _FEE_EN, 10000, "cancelled"),  # issued by mistake
)


async def demo_welfare_bills(
    connection: Connection, cipher: NationalIdCipher, welfare: int, biller_id: str, issuer: str
) -> None:
    """Run inside the demo seed's transaction, after the welfare biller ID and the people. ``issuer``:
    the demo issuer the citizens log in with (a paying citizen needs their account)."""
    people = {person.key: person for person in DEMO_PEOPLE}
    today = dt.date.today()
    for key, ref1, name_th, name_en, amount, outcome in WELFARE_BILLS:
        person = people[key]
        idempotency_key = f"demo-welfare-{ref1}"
        if await payment_queries.bill_by_idempotency_key(connection, welfare, idempotency_key):
            continue
        national_id_hash = cipher.lookup_hash(person.national_id)
        bill_id = await payment_queries.insert_bill(
            connection,
            BillRecord(
                agency_id=welfare, national_id_hash=national_id_hash, amount_satang=amount,
                due_date=today + dt.timedelta(days=30), biller_id=biller_id, ref1=ref1, ref2=None,
                description_th=name_th, description_en=name_en, idempotency_key=idempotency_key,
                request_hash=b"demo", issued_by_client="demo data", issued_by=None,
            ),
        )  # fmt: skip
        assert bill_id is not None
        if outcome == "cancelled":
            await payment_queries.cancel_bill(connection, bill_id)
            # Prayoon paid it at the bank all the same: money for support staff (Siri) to send back.
            await settlement_queries.insert_exception(
                connection, kind="late", bank=BANK, callback_id=f"DEMO-{ref1}", bill_id=bill_id,
                payment_id=None, amount_satang=amount, detail="Money arrived for a bill that was cancelled.",
            )  # fmt: skip
        elif outcome == "paid":
            await _paid(connection, cipher, person, bill_id, (biller_id, ref1, amount), issuer)


async def _paid(
    connection: Connection,
    cipher: NationalIdCipher,
    person: DemoPerson,
    bill_id: uuid.UUID,
    bill: tuple[str, str, int],
    issuer: str,
) -> None:
    """Paid at the demo bank: the payment, its events and the receipt as a bank callback leaves them
    (no inbox message or webhook: nothing happened today)."""
    biller_id, ref1, amount = bill
    key_id, ciphertext = cipher.encrypt(person.national_id)
    citizen_id, _ = await identity_queries.upsert_citizen_on_login(
        connection, national_id_hash=cipher.lookup_hash(person.national_id), key_id=key_id,
        ciphertext=ciphertext, issuer=issuer, subject=person.key, name_th=person.name_th,
        name_en=person.name_en, birthdate=None,
    )  # fmt: skip
    payment = await payment_queries.insert_payment(
        connection, bill_id=bill_id, citizen_id=citizen_id, amount_satang=amount,
        qr_payload=qr_payload(biller_id, ref1, None, amount), idempotency_key=f"demo-{ref1}",
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15),
    )  # fmt: skip
    await payment_queries.add_event(connection, payment.id, None, "created", "citizen", None)
    await payment_queries.add_event(connection, payment.id, "created", "pending", "system", "QR shown")
    await settlement_queries.complete_payment(connection, payment.id, bill_id, amount)
    await payment_queries.add_event(connection, payment.id, "pending", "success", "bank", None)
    await settlement_queries.insert_receipt(
        connection, payment_id=payment.id, bill_id=bill_id, amount_satang=amount, bank=BANK,
        bank_reference=f"DEMO{ref1}", verification_code=secrets.token_urlsafe(12),
    )  # fmt: skip
