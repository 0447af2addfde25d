"""SQL of bills, payments and their events, receipts and billers. Money arriving (bank callbacks,
settlement, exceptions) is in ``payments.settlement_queries``; what staff list and decide (agencies'
listings and refunds, support's exceptions, histories and reconciliation) in ``payments.staff_queries``.

Rows come back as Structs (``payments.schemas``, ``payments.rows``). Other features call
``insert_bill`` (an application's fee, the demo seed), ``biller_owner`` and ``assign_biller``.
``paid_bill_event`` is the body of the agency's webhook."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from backend.core.db import Connection, Db
from payments.rows import BillKey, BillPlace, BillRecord, PaidBillEvent, PaymentRow, ReceiptRow
from payments.schemas import BillView

_BILL_COLUMNS = """
    b.id, b.agency_id, a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en,
    b.amount_satang, b.due_date, b.biller_id, b.ref1, b.ref2, b.description_th, b.description_en, b.status,
    b.created_at, b.paid_at
"""

# --- bills --------------------------------------------------------------------------------------


async def insert_bill(connection: Connection, bill: BillRecord) -> uuid.UUID | None:
    """The new bill's id; None when the agency already used this idempotency key."""
    bill_id: uuid.UUID | None = await connection.fetchval(
        """
        INSERT INTO bills (agency_id, national_id_hash, amount_satang, due_date, biller_id, ref1, ref2,
                           description_th, description_en, idempotency_key, request_hash,
                           issued_by_client, issued_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        ON CONFLICT (agency_id, idempotency_key) DO NOTHING
        RETURNING id
        """,
        bill.agency_id,
        bill.national_id_hash,
        bill.amount_satang,
        bill.due_date,
        bill.biller_id,
        bill.ref1,
        bill.ref2,
        bill.description_th,
        bill.description_en,
        bill.idempotency_key,
        bill.request_hash,
        bill.issued_by_client,
        bill.issued_by,
    )
    return bill_id


async def bill_by_idempotency_key(db: Db, agency_id: int, key: str) -> BillKey | None:
    row = await db.fetchrow(
        "SELECT id, request_hash FROM bills WHERE agency_id = $1 AND idempotency_key = $2",
        agency_id,
        key,
    )
    return BillKey(id=row["id"], request_hash=row["request_hash"]) if row else None


async def bills_references_taken(db: Db, biller_id: str, ref1: str, ref2: str | None) -> bool:
    return bool(
        await db.fetchval(
            "SELECT 1 FROM bills "
            "WHERE biller_id = $1 AND ref1 = $2 AND coalesce(ref2, '') = coalesce($3, '')",
            biller_id,
            ref1,
            ref2,
        )
    )


async def bill(db: Db, bill_id: uuid.UUID) -> BillView | None:
    row = await db.fetchrow(
        f"SELECT {_BILL_COLUMNS} FROM bills b JOIN agencies a ON a.id = b.agency_id WHERE b.id = $1",  # noqa: S608
        bill_id,
    )
    return msgspec.convert(dict(row), BillView) if row else None


async def bill_of(db: Db, bill_id: uuid.UUID, national_id_hash: bytes) -> BillView | None:
    """The bill if it is this person's (by the keyed hash of their national ID): another citizen's bill
    is simply not there."""
    row = await db.fetchrow(
        f"SELECT {_BILL_COLUMNS} FROM bills b JOIN agencies a ON a.id = b.agency_id "  # noqa: S608
        "WHERE b.id = $1 AND b.national_id_hash = $2",
        bill_id,
        national_id_hash,
    )
    return msgspec.convert(dict(row), BillView) if row else None


async def bills_for(
    db: Db, national_id_hash: bytes, status: str | None, after: BillPlace | None, limit: int
) -> list[BillView]:
    """One page of the citizen's bills, read along ``bills_citizen_listing`` from ``after``. The filter
    and the cursor go into the statement only when given: a generic plan of "$n IS NULL OR ..." could
    not start the index scan at the cursor."""
    values: list[object] = [national_id_hash]
    where = "b.national_id_hash = $1"
    if status is not None:
        values.append(status)
        where += f" AND b.status = ${len(values)}"
    if after is not None:
        values += [after.settled, after.due_date, after.created_at, after.id]
        n = len(values)
        place = f"(${n - 3}, ${n - 2}, ${n - 1}, ${n}::uuid)"
        where += f" AND ((b.status <> 'unpaid'), b.due_date, b.created_at, b.id) > {place}"
    values.append(limit)
    rows = await db.fetch(
        f"""
        SELECT {_BILL_COLUMNS} FROM bills b JOIN agencies a ON a.id = b.agency_id
        WHERE {where}
        ORDER BY (b.status <> 'unpaid'), b.due_date, b.created_at, b.id
        LIMIT ${len(values)}
        """,  # noqa: S608 (the module's own SQL; values are parameters)
        *values,
    )
    return [msgspec.convert(dict(row), BillView) for row in rows]


# --- payments -----------------------------------------------------------------------------------

_PAYMENT_COLUMNS = """
    id, bill_id, citizen_id, amount_satang, state, qr_payload, expires_at,
    created_at, completed_at, delegation_id
"""


async def delegate_name(db: Db, delegation_id: uuid.UUID) -> tuple[str, str]:
    """The name (Thai, English) of the delegate of a grant, for the receipt message."""
    row = await db.fetchrow(
        "SELECT c.name_th, c.name_en FROM delegations d JOIN citizens c ON c.id = d.delegate_id"
        " WHERE d.id = $1",
        delegation_id,
    )
    th, en = (row["name_th"], row["name_en"]) if row else (None, None)
    return th or en or "ผู้ทำแทนคุณ", en or th or "the person acting for you"


def _payment(row: Any) -> PaymentRow | None:
    return msgspec.convert(dict(row), PaymentRow) if row else None


async def payment_by_idempotency_key(db: Db, citizen_id: uuid.UUID, key: str) -> PaymentRow | None:
    return _payment(
        await db.fetchrow(
            f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE citizen_id = $1 AND idempotency_key = $2",  # noqa: S608
            citizen_id,
            key,
        )
    )


async def live_payment_for_bill(db: Db, bill_id: uuid.UUID) -> PaymentRow | None:
    return _payment(
        await db.fetchrow(
            f"""
            SELECT {_PAYMENT_COLUMNS} FROM payments
            WHERE bill_id = $1 AND state IN ('created', 'pending') AND expires_at > now()
            """,  # noqa: S608
            bill_id,
        )
    )


async def insert_payment(
    connection: Connection,
    *,
    bill_id: uuid.UUID,
    citizen_id: uuid.UUID,
    amount_satang: int,
    qr_payload: str,
    idempotency_key: str,
    expires_at: dt.datetime,
    delegation_id: uuid.UUID | None = None,
) -> PaymentRow:
    created = _payment(
        await connection.fetchrow(
            f"""
            INSERT INTO payments (bill_id, citizen_id, amount_satang, state, qr_payload, idempotency_key,
                                  expires_at, delegation_id)
            VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7)
            RETURNING {_PAYMENT_COLUMNS}
            """,  # noqa: S608
            bill_id,
            citizen_id,
            amount_satang,
            qr_payload,
            idempotency_key,
            expires_at,
            delegation_id,
        )
    )
    assert created is not None
    return created


async def payment(db: Db, payment_id: uuid.UUID) -> PaymentRow | None:
    return _payment(
        await db.fetchrow(f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = $1", payment_id)  # noqa: S608
    )


async def payment_locked(connection: Connection, payment_id: uuid.UUID) -> PaymentRow | None:
    return _payment(
        await connection.fetchrow(
            f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE",  # noqa: S608
            payment_id,
        )
    )


async def latest_payment_for_bill(connection: Connection, bill_id: uuid.UUID) -> PaymentRow | None:
    return _payment(
        await connection.fetchrow(
            f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE bill_id = $1 "  # noqa: S608
            "ORDER BY created_at DESC LIMIT 1 FOR UPDATE",
            bill_id,
        )
    )


async def add_event(
    connection: Connection,
    payment_id: uuid.UUID,
    from_state: str | None,
    to_state: str,
    source: str,
    detail: str | None,
) -> None:
    await connection.execute(
        """
        INSERT INTO payment_events (payment_id, from_state, to_state, source, detail)
        VALUES ($1, $2, $3, $4, $5)
        """,
        payment_id,
        from_state,
        to_state,
        source,
        detail,
    )


async def expire_payments(connection: Connection, bill_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    """Payments past their time, a batch of them (or those of one bill), marked expired."""
    rows = await connection.fetch(
        """
        UPDATE payments SET state = 'expired', completed_at = now()
        WHERE id IN (
            SELECT id FROM payments
            WHERE state IN ('created', 'pending') AND expires_at <= now()
              AND ($1::uuid IS NULL OR bill_id = $1)
            ORDER BY expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED
        )
        RETURNING id
        """,
        bill_id,
    )
    return [row["id"] for row in rows]


async def paid_bill_event(db: Db, payment_id: uuid.UUID) -> PaidBillEvent | None:
    """What the issuing agency is told about a successful payment."""
    row = await db.fetchrow(
        """
        SELECT p.id AS payment_id, b.id AS bill_id, b.agency_id, b.idempotency_key, b.biller_id,
               b.ref1, b.ref2, p.amount_satang, r.paid_at, r.number AS receipt_number,
               r.bank, r.bank_reference, p.delegation_id
        FROM payments p JOIN bills b ON b.id = p.bill_id JOIN receipts r ON r.payment_id = p.id
        WHERE p.id = $1 AND p.state = 'success'
        """,
        payment_id,
    )
    return msgspec.convert(dict(row), PaidBillEvent) if row else None


# --- receipts -----------------------------------------------------------------------------------

_RECEIPTS = """
    SELECT r.id, r.number, r.amount_satang, r.paid_at, r.bank, r.verification_code, r.bill_id,
           b.description_th, b.description_en, b.biller_id, b.ref1, b.ref2,
           a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
    FROM receipts r JOIN bills b ON b.id = r.bill_id JOIN agencies a ON a.id = b.agency_id
"""


async def receipts_for(
    db: Db, national_id_hash: bytes, after: tuple[dt.datetime, uuid.UUID] | None, limit: int
) -> list[ReceiptRow]:
    """One page of the citizen's receipts, newest first, after ``after`` (the last one's paid_at, id)."""
    paid_at, receipt_id = after or (None, None)
    rows = await db.fetch(
        f"{_RECEIPTS} WHERE b.national_id_hash = $1"
        " AND ($2::timestamptz IS NULL OR (r.paid_at, r.id) < ($2, $3::uuid))"
        " ORDER BY r.paid_at DESC, r.id DESC LIMIT $4",
        national_id_hash,
        paid_at,
        receipt_id,
        limit,
    )
    return [msgspec.convert(dict(row), ReceiptRow) for row in rows]


async def receipt_by_code(db: Db, code: str) -> ReceiptRow | None:
    row = await db.fetchrow(f"{_RECEIPTS} WHERE r.verification_code = $1", code)
    return msgspec.convert(dict(row), ReceiptRow) if row else None


async def receipt_for_payment(db: Db, payment_id: uuid.UUID) -> ReceiptRow | None:
    row = await db.fetchrow(f"{_RECEIPTS} WHERE r.payment_id = $1", payment_id)
    return msgspec.convert(dict(row), ReceiptRow) if row else None


async def receipt_of(db: Db, receipt_id: uuid.UUID, national_id_hash: bytes) -> ReceiptRow | None:
    """The receipt if its bill is this person's; another citizen's receipt is simply not there."""
    row = await db.fetchrow(
        f"{_RECEIPTS} WHERE r.id = $1 AND b.national_id_hash = $2",
        receipt_id,
        national_id_hash,
    )
    return msgspec.convert(dict(row), ReceiptRow) if row else None


# --- billers ------------------------------------------------------------------------------------


async def biller_owner(db: Db, biller_id: str) -> int | None:
    agency_id: int | None = await db.fetchval(
        "SELECT agency_id FROM agency_billers WHERE biller_id = $1", biller_id
    )
    return agency_id


async def assign_biller(db: Db, biller_id: str, agency_id: int, assigned_by: uuid.UUID | None) -> bool:
    """False when the biller ID already belongs to another agency."""
    owner: int | None = await db.fetchval(
        """
        INSERT INTO agency_billers (biller_id, agency_id, assigned_by) VALUES ($1, $2, $3)
        ON CONFLICT (biller_id) DO UPDATE SET biller_id = EXCLUDED.biller_id
        RETURNING agency_id
        """,
        biller_id,
        agency_id,
        assigned_by,
    )
    return owner == agency_id


async def agency_biller_ids(db: Db, agency_id: int) -> list[str]:
    rows = await db.fetch(
        "SELECT biller_id FROM agency_billers WHERE agency_id = $1 ORDER BY biller_id", agency_id
    )
    return [row["biller_id"] for row in rows]


# --- an agency cancelling a bill ----------------------------------------------------------------


async def bill_status_locked(connection: Connection, bill_id: uuid.UUID) -> str | None:
    """The bill's status, its row locked as settling locks it; None if there is no such bill."""
    status: str | None = await connection.fetchval(
        "SELECT status FROM bills WHERE id = $1 FOR UPDATE", bill_id
    )
    return status


async def agency_bill_status_locked(connection: Connection, agency_id: int, bill_id: uuid.UUID) -> str | None:
    """The bill's status, its row locked (a bank callback for it waits); None if not this agency's."""
    status: str | None = await connection.fetchval(
        "SELECT status FROM bills WHERE id = $1 AND agency_id = $2 FOR UPDATE", bill_id, agency_id
    )
    return status


async def cancel_bill(connection: Connection, bill_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """The bill cancelled, and its live payments (a QR on a phone) with it: (payment id, state before)."""
    await connection.execute("UPDATE bills SET status = 'cancelled' WHERE id = $1", bill_id)
    rows = await connection.fetch(
        """
        WITH live AS (
            SELECT id, state FROM payments WHERE bill_id = $1 AND state IN ('created', 'pending')
            FOR UPDATE
        )
        UPDATE payments p SET state = 'cancelled', completed_at = now() FROM live
        WHERE p.id = live.id RETURNING p.id, live.state
        """,
        bill_id,
    )
    return [(row["id"], row["state"]) for row in rows]
