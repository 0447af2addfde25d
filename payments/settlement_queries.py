"""SQL of money arriving: bank callbacks kept by their id, the bill and payment locked while one is
applied (each read once: settlement takes the locked rows), the payment completed with its receipt,
and money that did not fit kept as an exception for support staff. Rows come back as Structs of
``payments.rows``."""

from __future__ import annotations

import msgspec

from backend.core.db import Connection, Db
from backend.core.jsontypes import JsonObject
from payments.rows import CallbackOutcome, LockedBill, NewReceipt


async def record_callback(
    connection: Connection, bank: str, callback_id: str, body: JsonObject
) -> int | None:
    """The callback's row id, or None when this bank already sent this callback id. ``body`` is the
    callback as the bank sent it, kept whole."""
    callback_pk: int | None = await connection.fetchval(
        """
        INSERT INTO bank_callbacks (bank, callback_id, body, outcome) VALUES ($1, $2, $3, 'exception')
        ON CONFLICT (bank, callback_id) DO NOTHING RETURNING id
        """,
        bank,
        callback_id,
        body,
    )
    return callback_pk


async def callback_outcome(db: Db, bank: str, callback_id: str) -> CallbackOutcome | None:
    row = await db.fetchrow(
        "SELECT outcome, payment_id::text FROM bank_callbacks WHERE bank = $1 AND callback_id = $2",
        bank,
        callback_id,
    )
    return CallbackOutcome(outcome=row["outcome"], payment_id=row["payment_id"]) if row else None


async def settle_callback(
    connection: Connection, callback_pk: int, outcome: str, payment_id: str | None
) -> None:
    await connection.execute(
        "UPDATE bank_callbacks SET outcome = $2, payment_id = $3::uuid WHERE id = $1",
        callback_pk,
        outcome,
        payment_id,
    )


async def callback_bank_reference(db: Db, bank: str, callback_id: str) -> str | None:
    """The bank's own reference for a callback, as it sent it (receipts and reconciliation use it)."""
    reference: str | None = await db.fetchval(
        "SELECT body->>'bank_reference' FROM bank_callbacks WHERE bank = $1 AND callback_id = $2",
        bank,
        callback_id,
    )
    return reference


_LOCKED_BILL_COLUMNS = "id::text, agency_id, amount_satang, status, description_th, description_en"


async def bill_for_references_locked(
    connection: Connection, biller_id: str, ref1: str, ref2: str | None
) -> LockedBill | None:
    row = await connection.fetchrow(
        f"""
        SELECT {_LOCKED_BILL_COLUMNS} FROM bills
        WHERE biller_id = $1 AND ref1 = $2 AND coalesce(ref2, '') = coalesce($3, '')
        FOR UPDATE
        """,  # noqa: S608
        biller_id,
        ref1,
        ref2,
    )
    return msgspec.convert(dict(row), LockedBill) if row else None


async def bill_of_payment_locked(connection: Connection, payment_id: str) -> LockedBill | None:
    row = await connection.fetchrow(
        f"SELECT {_LOCKED_BILL_COLUMNS} FROM bills "  # noqa: S608
        "WHERE id = (SELECT bill_id FROM payments WHERE id = $1::uuid) FOR UPDATE",
        payment_id,
    )
    return msgspec.convert(dict(row), LockedBill) if row else None


async def complete_payment(connection: Connection, payment_id: str, bill_id: str, amount_satang: int) -> None:
    """The amount is what the bank paid: support staff may accept a different one."""
    await connection.execute(
        "UPDATE payments SET state = 'success', completed_at = now(), amount_satang = $2 WHERE id = $1::uuid",
        payment_id,
        amount_satang,
    )
    await connection.execute("UPDATE bills SET status = 'paid', paid_at = now() WHERE id = $1::uuid", bill_id)


async def insert_exception(
    connection: Connection,
    *,
    kind: str,
    bank: str,
    callback_id: str,
    bill_id: str | None,
    payment_id: str | None,
    amount_satang: int,
    detail: str,
) -> None:
    await connection.execute(
        """
        INSERT INTO payment_exceptions (kind, bank, callback_id, bill_id, payment_id, amount_satang, detail)
        VALUES ($1, $2, $3, $4::uuid, $5::uuid, $6, $7)
        """,
        kind,
        bank,
        callback_id,
        bill_id,
        payment_id,
        amount_satang,
        detail,
    )


async def insert_receipt(
    connection: Connection,
    *,
    payment_id: str,
    bill_id: str,
    amount_satang: int,
    bank: str,
    bank_reference: str | None,
    verification_code: str,
) -> NewReceipt:
    row = await connection.fetchrow(
        """
        INSERT INTO receipts (number, payment_id, bill_id, amount_satang, paid_at, bank, bank_reference,
                              verification_code)
        VALUES ('R' || to_char(now() AT TIME ZONE 'Asia/Bangkok', 'YYYYMMDD') || '-'
                    || lpad(nextval('receipt_numbers')::text, 8, '0'),
                $1::uuid, $2::uuid, $3, now(), $4, $5, $6)
        RETURNING id::text, number
        """,
        payment_id,
        bill_id,
        amount_satang,
        bank,
        bank_reference,
        verification_code,
    )
    assert row is not None  # an INSERT without a conflict clause returns its row or raises
    return NewReceipt(id=row["id"], number=row["number"])
