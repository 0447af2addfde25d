"""SQL of what staff see and decide: an agency's bills and refunds, support's exceptions (money that
did not fit) and refunds, and one citizen's payment history (bank settlement reconciliation's is in
``payments.reconcile_queries``). Rows come back as Structs (``payments.schemas``, ``payments.rows``)."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Connection, Db
from payments.banks import bank_names
from payments.rows import (
    AgencyBillRow,
    OpenException,
    Refundable,
    RefundEvent,
    SupportBill,
)
from payments.schemas import (
    ExceptionView,
    PaymentAttempt,
    PaymentEvent,
    ReceiptSummary,
    RefundState,
    RefundView,
    WaitingRefund,
)

# --- an agency's bills ----------------------------------------------------------------------------

# The page is chosen first (by the bills_agency or bills_agency_status index, from the cursor on), then
# each of its bills gets its latest payment attempt and the receipt of its one successful payment (if
# any). No cursor is the far end: infinity and the last uuid.
_AGENCY_BILLS = """
    SELECT b.id, b.idempotency_key, b.biller_id, b.ref1, b.ref2, b.description_th, b.description_en,
           b.amount_satang, b.due_date, b.created_at AS issued_at, b.status, b.paid_at,
           p.id AS payment_id, p.state AS payment_state, p.at AS payment_at,
           (SELECT r.number FROM payments s JOIN receipts r ON r.payment_id = s.id
            WHERE s.bill_id = b.id AND s.state = 'success') AS receipt_number,
           dc.name_th AS delegate_name_th, dc.name_en AS delegate_name_en,
           dc.national_id_key_id AS delegate_key_id, dc.national_id_ciphertext AS delegate_ciphertext
    FROM (
        SELECT * FROM bills
        WHERE agency_id = $1 {status}
          AND (created_at, id) < (coalesce($2::timestamptz, 'infinity'),
                                  coalesce($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
        ORDER BY created_at DESC, id DESC LIMIT $4
    ) b
    LEFT JOIN LATERAL (
        SELECT id, state, coalesce(completed_at, created_at) AS at, delegation_id FROM payments
        WHERE bill_id = b.id ORDER BY created_at DESC LIMIT 1
    ) p ON true
    LEFT JOIN delegations d ON d.id = p.delegation_id
    LEFT JOIN citizens dc ON dc.id = d.delegate_id
    ORDER BY b.created_at DESC, b.id DESC
"""
_AGENCY_BILLS_ANY_STATUS = _AGENCY_BILLS.format(status="")
_AGENCY_BILLS_OF_STATUS = _AGENCY_BILLS.format(status="AND status = $5")


async def agency_bill_position(db: Db, agency_id: int, bill_id: uuid.UUID) -> tuple[dt.datetime, str] | None:
    """Where a page cursor (the last bill of the page before) stands; None if not this agency's bill."""
    row = await db.fetchrow(
        "SELECT created_at, id FROM bills WHERE id = $1 AND agency_id = $2", bill_id, agency_id
    )
    return (row["created_at"], row["id"]) if row else None


async def agency_bills(
    db: Db, agency_id: int, status: str | None, before: tuple[dt.datetime, str] | None, limit: int
) -> list[AgencyBillRow]:
    """The agency's bills newest first, after ``before`` (a bill's created_at and id) when given."""
    created_at, bill_id = before or (None, None)
    if status is None:
        rows = await db.fetch(_AGENCY_BILLS_ANY_STATUS, agency_id, created_at, bill_id, limit)
    else:
        rows = await db.fetch(_AGENCY_BILLS_OF_STATUS, agency_id, created_at, bill_id, limit, status)
    return [msgspec.convert(dict(row), AgencyBillRow) for row in rows]


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


# --- refunds ------------------------------------------------------------------------------------


async def refundable(connection: Connection, payment_id: uuid.UUID) -> Refundable | None:
    """A successful payment, locked, with its agency and what is still refundable of it. The refunds
    are summed only once the lock is held, so two requests at once cannot both see the full amount.
    Refunds of exceptions (money that came separately) do not count against the payment."""
    row = await connection.fetchrow(
        """
        SELECT p.id, p.amount_satang, b.agency_id, r.bank
        FROM payments p JOIN bills b ON b.id = p.bill_id JOIN receipts r ON r.payment_id = p.id
        WHERE p.id = $1 AND p.state = 'success'
        FOR UPDATE OF p
        """,
        payment_id,
    )
    if row is None:
        return None
    refunded: int = await connection.fetchval(
        """
        SELECT coalesce(sum(amount_satang), 0)::bigint FROM refunds
        WHERE payment_id = $1 AND exception_id IS NULL AND state <> 'error'
        """,
        payment_id,
    )
    return msgspec.convert({**dict(row), "left_satang": row["amount_satang"] - refunded}, Refundable)


async def insert_refund(
    connection: Connection,
    *,
    payment_id: uuid.UUID,
    bank: str,
    amount_satang: int,
    reason: str,
    requested_by: uuid.UUID | None,
    requested_by_client: str | None,
) -> uuid.UUID:
    refund_id: uuid.UUID = await connection.fetchval(
        """
        INSERT INTO refunds (payment_id, bank, amount_satang, reason, requested_by, requested_by_client)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
        """,
        payment_id,
        bank,
        amount_satang,
        reason,
        requested_by,
        requested_by_client,
    )
    return refund_id


async def set_refund_state(connection: Connection, refund_id: uuid.UUID, state: str) -> RefundState | None:
    row = await connection.fetchrow(
        """
        UPDATE refunds SET state = $2, updated_at = now()
        WHERE id = $1 AND state = 'submitted' RETURNING id, state
        """,
        refund_id,
        state,
    )
    return RefundState(id=row["id"], state=row["state"]) if row else None


_REFUND_COLUMNS = """
    f.id, f.payment_id, f.amount_satang, f.state, f.reason, f.created_at, f.updated_at
"""


async def agency_refunds(db: Db, agency_id: int) -> list[RefundView]:
    rows = await db.fetch(
        f"""
        SELECT {_REFUND_COLUMNS} FROM refunds f
        JOIN payments p ON p.id = f.payment_id JOIN bills b ON b.id = p.bill_id
        WHERE b.agency_id = $1 ORDER BY f.created_at DESC
        """,  # noqa: S608
        agency_id,
    )
    return [msgspec.convert(dict(row), RefundView) for row in rows]


async def refund(db: Db, refund_id: uuid.UUID) -> RefundView | None:
    row = await db.fetchrow(
        f"SELECT {_REFUND_COLUMNS} FROM refunds f WHERE f.id = $1",  # noqa: S608
        refund_id,
    )
    return msgspec.convert(dict(row), RefundView) if row else None


async def refund_event(db: Db, refund_id: uuid.UUID) -> RefundEvent | None:
    row = await db.fetchrow(
        f"""
        SELECT {_REFUND_COLUMNS}, b.agency_id, b.id AS bill_id, b.ref1, b.ref2
        FROM refunds f LEFT JOIN payments p ON p.id = f.payment_id LEFT JOIN bills b ON b.id = p.bill_id
        WHERE f.id = $1
        """,  # noqa: S608
        refund_id,
    )
    return msgspec.convert(dict(row), RefundEvent) if row else None


# --- exceptions: money that did not fit -----------------------------------------------------------


# Money support may take as the bill's payment (staff_service._accept); the rest can only go back.
ACCEPTABLE_KINDS = ["late", "amount_mismatch"]


async def open_exceptions(db: Db) -> list[ExceptionView]:
    rows = await db.fetch(
        """
        SELECT x.id, x.kind, x.bank, x.callback_id, x.bill_id, x.payment_id, x.amount_satang,
               b.amount_satang AS bill_amount_satang, b.description_th AS bill_description_th,
               b.description_en AS bill_description_en, x.detail, x.status, x.created_at,
               x.kind = ANY($1::text[]) AND x.payment_id IS NOT NULL AS can_accept
        FROM payment_exceptions x LEFT JOIN bills b ON b.id = x.bill_id
        WHERE x.status = 'open' ORDER BY x.created_at
        """,
        ACCEPTABLE_KINDS,
    )
    return [msgspec.convert(dict(row) | bank_names(row["bank"]), ExceptionView) for row in rows]


async def waiting_refunds(db: Db, limit: int) -> list[WaitingRefund]:
    """Oldest first: the longest a citizen has waited for their money."""
    rows = await db.fetch(
        """
        SELECT f.id, f.exception_id, f.bank, f.amount_satang, f.reason, f.created_at,
               b.description_th AS bill_description_th, b.description_en AS bill_description_en
        FROM refunds f
        LEFT JOIN payment_exceptions x ON x.id = f.exception_id
        LEFT JOIN payments p ON p.id = f.payment_id
        LEFT JOIN bills b ON b.id = coalesce(x.bill_id, p.bill_id)
        WHERE f.state = 'submitted' ORDER BY f.created_at LIMIT $1
        """,
        limit,
    )
    return [msgspec.convert(dict(row) | bank_names(row["bank"]), WaitingRefund) for row in rows]


async def exception_locked(connection: Connection, exception_id: int) -> OpenException | None:
    row = await connection.fetchrow(
        "SELECT id, kind, bank, callback_id, bill_id, payment_id, amount_satang, status "
        "FROM payment_exceptions WHERE id = $1 FOR UPDATE",
        exception_id,
    )
    return msgspec.convert(dict(row), OpenException) if row else None


async def insert_exception_refund(
    connection: Connection, exception: OpenException, reason: str, requested_by: uuid.UUID
) -> uuid.UUID:
    """A refund of the whole of the money that did not fit."""
    refund_id: uuid.UUID = await connection.fetchval(
        """
        INSERT INTO refunds (exception_id, payment_id, bank, amount_satang, reason, requested_by)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
        """,
        exception.id, exception.payment_id, exception.bank, exception.amount_satang, reason, requested_by,
    )  # fmt: skip
    return refund_id


async def reopen_exception_of_refund(connection: Connection, refund_id: uuid.UUID) -> None:
    """The exception whose refund the bank turned away, open again: its money is still owed back, so it
    is back in support's list for another refund (or to be accepted)."""
    await connection.execute(
        """
        UPDATE payment_exceptions x SET status = 'open', resolved_by = NULL, resolved_at = NULL
        FROM refunds f WHERE f.id = $1 AND x.id = f.exception_id AND x.status = 'refund_requested'
        """,
        refund_id,
    )


async def close_exception(
    connection: Connection, exception_id: int, status: str, staff_id: uuid.UUID, note: str
) -> None:
    await connection.execute(
        """
        UPDATE payment_exceptions
        SET status = $2, resolved_by = $3, resolved_at = now(), resolution_note = $4
        WHERE id = $1
        """,
        exception_id,
        status,
        staff_id,
        note,
    )


# --- one citizen's payments, for support staff ----------------------------------------------------


async def support_bills(db: Db, citizen_id: uuid.UUID, limit: int) -> list[SupportBill]:
    """A citizen's newest bills (matched by national ID, as the citizen's own list is)."""
    rows = await db.fetch(
        """
        SELECT b.id, b.agency_id, a.code AS agency_code, a.name_th AS agency_name_th,
               a.name_en AS agency_name_en, b.biller_id, b.ref1, b.ref2, b.description_th, b.description_en,
               b.amount_satang, b.due_date, b.created_at AS issued_at, b.status, b.paid_at
        FROM bills b JOIN agencies a ON a.id = b.agency_id
        WHERE b.national_id_hash = (SELECT national_id_hash FROM citizens WHERE id = $1)
        ORDER BY b.created_at DESC, b.id DESC LIMIT $2
        """,
        citizen_id,
        limit,
    )
    return [msgspec.convert(dict(row), SupportBill) for row in rows]


async def support_payments(db: Db, bill_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, PaymentAttempt]]:
    """Every payment attempt of these bills, oldest first, each with its bill's id (and no events yet)."""
    rows = await db.fetch(
        """
        SELECT id, bill_id, amount_satang, state, created_at, expires_at, completed_at
        FROM payments WHERE bill_id = ANY($1::uuid[]) ORDER BY created_at, id
        """,
        bill_ids,
    )
    return [(row["bill_id"], msgspec.convert({**dict(row), "events": []}, PaymentAttempt)) for row in rows]


async def support_payment_events(
    db: Db, payment_ids: list[uuid.UUID]
) -> list[tuple[uuid.UUID, PaymentEvent]]:
    """Each change of these payments' states, oldest first, with its payment's id."""
    rows = await db.fetch(
        """
        SELECT payment_id, from_state, to_state AS state, source, detail AS reason, at
        FROM payment_events WHERE payment_id = ANY($1::uuid[]) ORDER BY id
        """,
        payment_ids,
    )
    return [(row["payment_id"], msgspec.convert(dict(row), PaymentEvent)) for row in rows]


async def support_receipts(db: Db, bill_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, ReceiptSummary]]:
    rows = await db.fetch(
        """
        SELECT r.id, r.bill_id, r.payment_id, r.number, r.amount_satang, r.paid_at
        FROM payments p JOIN receipts r ON r.payment_id = p.id
        WHERE p.bill_id = ANY($1::uuid[]) ORDER BY r.paid_at
        """,
        bill_ids,
    )
    return [(row["bill_id"], msgspec.convert(dict(row), ReceiptSummary)) for row in rows]


async def support_refunds(db: Db, bill_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, RefundView]]:
    """Refunds of these bills' payments, the agency's and support's (of money that came twice) alike."""
    rows = await db.fetch(
        f"""
        SELECT {_REFUND_COLUMNS}, p.bill_id
        FROM refunds f JOIN payments p ON p.id = f.payment_id
        WHERE p.bill_id = ANY($1::uuid[]) ORDER BY f.created_at
        """,  # noqa: S608
        bill_ids,
    )
    return [(row["bill_id"], msgspec.convert(dict(row), RefundView)) for row in rows]
