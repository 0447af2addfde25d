"""All SQL of the payments feature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from backend.core.db import Connection, Db

_BILL_COLUMNS = """
    b.id::text, b.agency_id, a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en,
    b.amount_satang, b.due_date, b.biller_id, b.ref1, b.ref2, b.description_th, b.description_en, b.status,
    b.created_at, b.paid_at
"""


async def insert_bill(connection: Connection, fields: dict[str, Any]) -> str | None:
    """The new bill's id; None when the agency already used this idempotency key."""
    bill_id: str | None = await connection.fetchval(
        """
        INSERT INTO bills (agency_id, national_id_hash, amount_satang, due_date, biller_id, ref1, ref2,
                           description_th, description_en, idempotency_key, request_hash,
                           issued_by_client, issued_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::uuid)
        ON CONFLICT (agency_id, idempotency_key) DO NOTHING
        RETURNING id::text
        """,
        fields["agency_id"],
        fields["national_id_hash"],
        fields["amount_satang"],
        fields["due_date"],
        fields["biller_id"],
        fields["ref1"],
        fields["ref2"],
        fields["description_th"],
        fields["description_en"],
        fields["idempotency_key"],
        fields["request_hash"],
        fields["issued_by_client"],
        fields["issued_by"],
    )
    return bill_id


async def bill_by_idempotency_key(db: Db, agency_id: int, key: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        "SELECT id::text, request_hash FROM bills WHERE agency_id = $1 AND idempotency_key = $2",
        agency_id,
        key,
    )
    return dict(row) if row else None


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


async def bill(db: Db, bill_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"SELECT {_BILL_COLUMNS}, b.national_id_hash FROM bills b JOIN agencies a ON a.id = b.agency_id "  # noqa: S608
        "WHERE b.id = $1::uuid",
        bill_id,
    )
    return dict(row) if row else None


async def bills_for(db: Db, national_id_hash: bytes, status: str | None) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"""
        SELECT {_BILL_COLUMNS} FROM bills b JOIN agencies a ON a.id = b.agency_id
        WHERE b.national_id_hash = $1 AND ($2::text IS NULL OR b.status = $2)
        ORDER BY (b.status = 'unpaid') DESC, b.due_date, b.created_at DESC
        """,  # noqa: S608
        national_id_hash,
        status,
    )
    return [dict(row) for row in rows]


# --- payments ---------------------------------------------------------------------------------

_PAYMENT_COLUMNS = """
    id::text, bill_id::text, citizen_id::text, amount_satang, state, qr_payload, expires_at,
    created_at, completed_at
"""


async def payment_by_idempotency_key(db: Db, citizen_id: str, key: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE citizen_id = $1::uuid AND idempotency_key = $2",  # noqa: S608
        citizen_id,
        key,
    )
    return dict(row) if row else None


async def live_payment_for_bill(db: Db, bill_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"""
        SELECT {_PAYMENT_COLUMNS} FROM payments
        WHERE bill_id = $1::uuid AND state IN ('created', 'pending') AND expires_at > now()
        """,  # noqa: S608
        bill_id,
    )
    return dict(row) if row else None


async def insert_payment(
    connection: Connection,
    *,
    bill_id: str,
    citizen_id: str,
    amount_satang: int,
    qr_payload: str,
    idempotency_key: str,
    expires_at: dt.datetime,
) -> dict[str, Any]:
    row = await connection.fetchrow(
        f"""
        INSERT INTO payments (bill_id, citizen_id, amount_satang, state, qr_payload, idempotency_key,
                              expires_at)
        VALUES ($1::uuid, $2::uuid, $3, 'pending', $4, $5, $6)
        RETURNING {_PAYMENT_COLUMNS}
        """,  # noqa: S608
        bill_id,
        citizen_id,
        amount_satang,
        qr_payload,
        idempotency_key,
        expires_at,
    )
    assert row is not None
    return dict(row)


async def payment(db: Db, payment_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = $1::uuid",  # noqa: S608
        payment_id,
    )
    return dict(row) if row else None


async def add_event(
    connection: Connection,
    payment_id: str,
    from_state: str | None,
    to_state: str,
    source: str,
    detail: str | None,
) -> None:
    await connection.execute(
        """
        INSERT INTO payment_events (payment_id, from_state, to_state, source, detail)
        VALUES ($1::uuid, $2, $3, $4, $5)
        """,
        payment_id,
        from_state,
        to_state,
        source,
        detail,
    )


async def payment_events(db: Db, payment_id: str) -> list[dict[str, Any]]:
    rows = await db.fetch(
        "SELECT from_state, to_state, source, detail, at FROM payment_events "
        "WHERE payment_id = $1::uuid ORDER BY id",
        payment_id,
    )
    return [dict(row) for row in rows]


async def expire_payments(connection: Connection) -> list[str]:
    rows = await connection.fetch(
        """
        UPDATE payments SET state = 'expired', completed_at = now()
        WHERE id IN (
            SELECT id FROM payments WHERE state IN ('created', 'pending') AND expires_at <= now()
            ORDER BY expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED
        )
        RETURNING id::text
        """
    )
    return [row["id"] for row in rows]


# --- bank callbacks ---------------------------------------------------------------------------


async def record_callback(
    connection: Connection, bank: str, callback_id: str, body: dict[str, Any]
) -> int | None:
    """The callback's row id, or None when this bank already sent this callback id."""
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


async def callback_outcome(db: Db, bank: str, callback_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        "SELECT outcome, payment_id::text FROM bank_callbacks WHERE bank = $1 AND callback_id = $2",
        bank,
        callback_id,
    )
    return dict(row) if row else None


async def settle_callback(
    connection: Connection, callback_pk: int, outcome: str, payment_id: str | None
) -> None:
    await connection.execute(
        "UPDATE bank_callbacks SET outcome = $2, payment_id = $3::uuid WHERE id = $1",
        callback_pk,
        outcome,
        payment_id,
    )


async def bill_for_references_locked(
    connection: Connection, biller_id: str, ref1: str, ref2: str | None
) -> dict[str, Any] | None:
    row = await connection.fetchrow(
        """
        SELECT id::text, amount_satang, status FROM bills
        WHERE biller_id = $1 AND ref1 = $2 AND coalesce(ref2, '') = coalesce($3, '')
        FOR UPDATE
        """,
        biller_id,
        ref1,
        ref2,
    )
    return dict(row) if row else None


async def latest_payment_for_bill(connection: Connection, bill_id: str) -> dict[str, Any] | None:
    row = await connection.fetchrow(
        f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE bill_id = $1::uuid "  # noqa: S608
        "ORDER BY created_at DESC LIMIT 1 FOR UPDATE",
        bill_id,
    )
    return dict(row) if row else None


async def bill_locked(connection: Connection, bill_id: str) -> dict[str, Any] | None:
    row = await connection.fetchrow(
        "SELECT id::text, status FROM bills WHERE id = $1::uuid FOR UPDATE", bill_id
    )
    return dict(row) if row else None


async def payment_locked(connection: Connection, payment_id: str) -> dict[str, Any] | None:
    row = await connection.fetchrow(
        f"SELECT {_PAYMENT_COLUMNS} FROM payments WHERE id = $1::uuid FOR UPDATE",  # noqa: S608
        payment_id,
    )
    return dict(row) if row else None


async def complete_payment(connection: Connection, payment_id: str, bill_id: str, amount_satang: int) -> None:
    """The amount is what the bank paid: support staff may accept a different one."""
    await connection.execute(
        "UPDATE payments SET state = 'success', completed_at = now(), amount_satang = $2 WHERE id = $1::uuid",
        payment_id,
        amount_satang,
    )
    await connection.execute("UPDATE bills SET status = 'paid', paid_at = now() WHERE id = $1::uuid", bill_id)


async def callback_bank_reference(db: Db, bank: str, callback_id: str) -> str | None:
    """The bank's own reference for a callback, as it sent it (receipts and reconciliation use it)."""
    reference: str | None = await db.fetchval(
        "SELECT body->>'bank_reference' FROM bank_callbacks WHERE bank = $1 AND callback_id = $2",
        bank,
        callback_id,
    )
    return reference


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
) -> str:
    number: str = await connection.fetchval(
        """
        INSERT INTO receipts (number, payment_id, bill_id, amount_satang, paid_at, bank, bank_reference,
                              verification_code)
        VALUES ('R' || to_char(now() AT TIME ZONE 'Asia/Bangkok', 'YYYYMMDD') || '-'
                    || lpad(nextval('receipt_numbers')::text, 8, '0'),
                $1::uuid, $2::uuid, $3, now(), $4, $5, $6)
        RETURNING number
        """,
        payment_id,
        bill_id,
        amount_satang,
        bank,
        bank_reference,
        verification_code,
    )
    return number


_RECEIPT_COLUMNS = """
    r.id::text, r.number, r.amount_satang, r.paid_at, r.bank, r.verification_code, r.bill_id::text,
    b.description_th, b.description_en, b.biller_id, b.ref1, b.ref2,
    a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
"""


async def receipts_for(db: Db, national_id_hash: bytes) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"""
        SELECT {_RECEIPT_COLUMNS}
        FROM receipts r JOIN bills b ON b.id = r.bill_id JOIN agencies a ON a.id = b.agency_id
        WHERE b.national_id_hash = $1 ORDER BY r.paid_at DESC
        """,  # noqa: S608
        national_id_hash,
    )
    return [dict(row) for row in rows]


async def receipt_by_code(db: Db, code: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"""
        SELECT {_RECEIPT_COLUMNS}
        FROM receipts r JOIN bills b ON b.id = r.bill_id JOIN agencies a ON a.id = b.agency_id
        WHERE r.verification_code = $1
        """,  # noqa: S608
        code,
    )
    return dict(row) if row else None


async def receipt_for_payment(db: Db, payment_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"""
        SELECT {_RECEIPT_COLUMNS}
        FROM receipts r JOIN bills b ON b.id = r.bill_id JOIN agencies a ON a.id = b.agency_id
        WHERE r.payment_id = $1::uuid
        """,  # noqa: S608
        payment_id,
    )
    return dict(row) if row else None


async def open_exceptions(db: Db) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT id, kind, bank, callback_id, bill_id::text, payment_id::text, amount_satang, detail, status,
               created_at
        FROM payment_exceptions WHERE status = 'open' ORDER BY created_at
        """
    )
    return [dict(row) for row in rows]


async def paid_bill_event(db: Db, payment_id: str) -> dict[str, Any] | None:
    """What the issuing agency is told about a successful payment (no personal data)."""
    row = await db.fetchrow(
        """
        SELECT p.id::text AS payment_id, b.id::text AS bill_id, b.agency_id, b.idempotency_key, b.biller_id,
               b.ref1, b.ref2, p.amount_satang, p.completed_at AS paid_at, r.number AS receipt_number,
               r.bank, r.bank_reference
        FROM payments p JOIN bills b ON b.id = p.bill_id JOIN receipts r ON r.payment_id = p.id
        WHERE p.id = $1::uuid AND p.state = 'success'
        """,
        payment_id,
    )
    return dict(row) if row else None


async def receipt_with_owner(db: Db, receipt_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"""
        SELECT {_RECEIPT_COLUMNS}, b.national_id_hash
        FROM receipts r JOIN bills b ON b.id = r.bill_id JOIN agencies a ON a.id = b.agency_id
        WHERE r.id = $1::uuid
        """,  # noqa: S608
        receipt_id,
    )
    return dict(row) if row else None


# --- refunds ----------------------------------------------------------------------------------


async def refundable(connection: Connection, payment_id: str) -> dict[str, Any] | None:
    """A successful payment, locked, with its agency and what is still refundable of it. The refunds
    are summed only once the lock is held, so two requests at once cannot both see the full amount.
    Refunds of exceptions (money that came separately) do not count against the payment."""
    row = await connection.fetchrow(
        """
        SELECT p.id::text, p.amount_satang, b.agency_id, r.bank
        FROM payments p JOIN bills b ON b.id = p.bill_id JOIN receipts r ON r.payment_id = p.id
        WHERE p.id = $1::uuid AND p.state = 'success'
        FOR UPDATE OF p
        """,
        payment_id,
    )
    if row is None:
        return None
    refunded: int = await connection.fetchval(
        """
        SELECT coalesce(sum(amount_satang), 0) FROM refunds
        WHERE payment_id = $1::uuid AND exception_id IS NULL AND state <> 'error'
        """,
        payment_id,
    )
    return {**dict(row), "left_satang": row["amount_satang"] - refunded}


async def insert_refund(
    connection: Connection,
    *,
    payment_id: str,
    bank: str,
    amount_satang: int,
    reason: str,
    requested_by: str | None,
    requested_by_client: str | None,
) -> str:
    refund_id: str = await connection.fetchval(
        """
        INSERT INTO refunds (payment_id, bank, amount_satang, reason, requested_by, requested_by_client)
        VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6) RETURNING id::text
        """,
        payment_id,
        bank,
        amount_satang,
        reason,
        requested_by,
        requested_by_client,
    )
    return refund_id


async def set_refund_state(connection: Connection, refund_id: str, state: str) -> dict[str, Any] | None:
    row = await connection.fetchrow(
        """
        UPDATE refunds SET state = $2, updated_at = now()
        WHERE id = $1::uuid AND state = 'submitted' RETURNING id::text, state
        """,
        refund_id,
        state,
    )
    return dict(row) if row else None


_REFUND_COLUMNS = """
    f.id::text, f.payment_id::text, f.amount_satang, f.state, f.reason, f.created_at, f.updated_at
"""


async def agency_refunds(db: Db, agency_id: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        f"""
        SELECT {_REFUND_COLUMNS} FROM refunds f
        JOIN payments p ON p.id = f.payment_id JOIN bills b ON b.id = p.bill_id
        WHERE b.agency_id = $1 ORDER BY f.created_at DESC
        """,  # noqa: S608
        agency_id,
    )
    return [dict(row) for row in rows]


async def refund_event(db: Db, refund_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        f"""
        SELECT {_REFUND_COLUMNS}, b.agency_id, b.id::text AS bill_id, b.ref1, b.ref2
        FROM refunds f LEFT JOIN payments p ON p.id = f.payment_id LEFT JOIN bills b ON b.id = p.bill_id
        WHERE f.id = $1::uuid
        """,  # noqa: S608
        refund_id,
    )
    return dict(row) if row else None


async def biller_owner(db: Db, biller_id: str) -> int | None:
    agency_id: int | None = await db.fetchval(
        "SELECT agency_id FROM agency_billers WHERE biller_id = $1", biller_id
    )
    return agency_id


async def assign_biller(db: Db, biller_id: str, agency_id: int, assigned_by: str | None) -> bool:
    """False when the biller ID already belongs to another agency."""
    owner: int | None = await db.fetchval(
        """
        INSERT INTO agency_billers (biller_id, agency_id, assigned_by) VALUES ($1, $2, $3::uuid)
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


# --- listings: an agency's bills, one citizen's payments for support staff ----------------------

# The page is chosen first (by the bills_agency or bills_agency_status index, from the cursor on), then
# each of its bills gets its latest payment attempt and the receipt of its one successful payment (if
# any). No cursor is the far end: infinity and the last uuid.
_AGENCY_BILLS = """
    SELECT b.id::text, b.idempotency_key, b.biller_id, b.ref1, b.ref2, b.description_th, b.description_en,
           b.amount_satang, b.due_date, b.created_at AS issued_at, b.status, b.paid_at,
           p.id::text AS payment_id, p.state AS payment_state, p.at AS payment_at,
           (SELECT r.number FROM payments s JOIN receipts r ON r.payment_id = s.id
            WHERE s.bill_id = b.id AND s.state = 'success') AS receipt_number
    FROM (
        SELECT * FROM bills
        WHERE agency_id = $1 {status}
          AND (created_at, id) < (coalesce($2::timestamptz, 'infinity'),
                                  coalesce($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
        ORDER BY created_at DESC, id DESC LIMIT $4
    ) b
    LEFT JOIN LATERAL (
        SELECT id, state, coalesce(completed_at, created_at) AS at FROM payments
        WHERE bill_id = b.id ORDER BY created_at DESC LIMIT 1
    ) p ON true
    ORDER BY b.created_at DESC, b.id DESC
"""
_AGENCY_BILLS_ANY_STATUS = _AGENCY_BILLS.format(status="")
_AGENCY_BILLS_OF_STATUS = _AGENCY_BILLS.format(status="AND status = $5")


async def agency_bill_position(db: Db, agency_id: int, bill_id: str) -> tuple[dt.datetime, str] | None:
    """Where a page cursor (the last bill of the page before) stands; None if not this agency's bill."""
    row = await db.fetchrow(
        "SELECT created_at, id::text FROM bills WHERE id = $1::uuid AND agency_id = $2", bill_id, agency_id
    )
    return (row["created_at"], row["id"]) if row else None


async def agency_bills(
    db: Db, agency_id: int, status: str | None, before: tuple[dt.datetime, str] | None, limit: int
) -> list[dict[str, Any]]:
    """The agency's bills newest first, after ``before`` (a bill's created_at and id) when given."""
    created_at, bill_id = before or (None, None)
    if status is None:
        rows = await db.fetch(_AGENCY_BILLS_ANY_STATUS, agency_id, created_at, bill_id, limit)
    else:
        rows = await db.fetch(_AGENCY_BILLS_OF_STATUS, agency_id, created_at, bill_id, limit, status)
    return [dict(row) for row in rows]


async def agency_bill_totals(db: Db, agency_id: int) -> dict[str, tuple[int, int]]:
    """Per bill status of all the agency's bills: (count, total satang)."""
    rows = await db.fetch(
        """
        SELECT status, count(*) AS count, sum(amount_satang)::bigint AS total_satang
        FROM bills WHERE agency_id = $1 GROUP BY status
        """,
        agency_id,
    )
    return {row["status"]: (row["count"], row["total_satang"]) for row in rows}


async def support_bills(db: Db, citizen_id: str, limit: int) -> list[dict[str, Any]]:
    """A citizen's newest bills (matched by national ID, as the citizen's own list is)."""
    rows = await db.fetch(
        """
        SELECT b.id::text, b.agency_id, a.code AS agency_code, a.name_th AS agency_name_th,
               a.name_en AS agency_name_en, b.biller_id, b.ref1, b.ref2, b.description_th, b.description_en,
               b.amount_satang, b.due_date, b.created_at AS issued_at, b.status, b.paid_at
        FROM bills b JOIN agencies a ON a.id = b.agency_id
        WHERE b.national_id_hash = (SELECT national_id_hash FROM citizens WHERE id = $1::uuid)
        ORDER BY b.created_at DESC, b.id DESC LIMIT $2
        """,
        citizen_id,
        limit,
    )
    return [dict(row) for row in rows]


async def support_payments(db: Db, bill_ids: list[str]) -> list[dict[str, Any]]:
    """Every payment attempt of these bills, oldest first."""
    rows = await db.fetch(
        """
        SELECT id::text, bill_id::text, amount_satang, state, created_at, expires_at, completed_at
        FROM payments WHERE bill_id = ANY($1::uuid[]) ORDER BY created_at, id
        """,
        bill_ids,
    )
    return [dict(row) for row in rows]


async def support_payment_events(db: Db, payment_ids: list[str]) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT payment_id::text, from_state, to_state AS state, source, detail AS reason, at
        FROM payment_events WHERE payment_id = ANY($1::uuid[]) ORDER BY id
        """,
        payment_ids,
    )
    return [dict(row) for row in rows]


async def support_receipts(db: Db, bill_ids: list[str]) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """
        SELECT r.id::text, r.bill_id::text, r.payment_id::text, r.number, r.amount_satang, r.paid_at
        FROM payments p JOIN receipts r ON r.payment_id = p.id
        WHERE p.bill_id = ANY($1::uuid[]) ORDER BY r.paid_at
        """,
        bill_ids,
    )
    return [dict(row) for row in rows]


async def support_refunds(db: Db, bill_ids: list[str]) -> list[dict[str, Any]]:
    """Refunds of these bills' payments, the agency's and support's (of money that came twice) alike."""
    rows = await db.fetch(
        f"""
        SELECT {_REFUND_COLUMNS}, p.bill_id::text
        FROM refunds f JOIN payments p ON p.id = f.payment_id
        WHERE p.bill_id = ANY($1::uuid[]) ORDER BY f.created_at
        """,  # noqa: S608
        bill_ids,
    )
    return [dict(row) for row in rows]
