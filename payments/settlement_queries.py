"""SQL of money arriving: bank callbacks kept by their id, the bill and payment locked while one is
applied (each read once: settlement takes the locked rows), the payment completed with its receipt,
and money that did not fit kept as an exception for support staff. Rows come back as Structs of
``payments.rows``."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Connection, Db
from backend.core.tasks import OutboxRow
from payments.rows import (
    CallbackClaim,
    CallbackOutcome,
    LockedBill,
    NewReceipt,
    PaymentRow,
    ReceiptMessageFacts,
)
from payments.schemas import BankCallback


async def claim_callback(
    connection: Connection, bank: str, callback: BankCallback, body: str
) -> CallbackClaim:
    """One statement: the callback kept by its id (``body`` as the bank sent it, stored whole), then
    its bill locked, then the bill's latest payment locked while the bill is unpaid (the order
    support staff's ``settle_payment`` locks them in). A repeated id locks nothing; its earlier
    outcome comes back when that callback had committed before this statement began. The payment's
    trigger is told not to NOTIFY its success: the caller announces it once committed."""
    row = await connection.fetchrow(
        """
        WITH callback AS (
            INSERT INTO bank_callbacks (bank, callback_id, body, outcome)
            VALUES ($1, $2, $3::text::jsonb, 'exception')
            ON CONFLICT (bank, callback_id) DO NOTHING RETURNING id
        ), bill AS (
            SELECT id, agency_id, amount_satang, status, description_th, description_en, on_paid FROM bills
            WHERE EXISTS (SELECT FROM callback)
              AND biller_id = $4 AND ref1 = $5 AND coalesce(ref2, '') = coalesce($6, '')
            FOR UPDATE
        ), payment AS (
            SELECT id, citizen_id, amount_satang, state, qr_payload, expires_at, created_at, completed_at,
                   delegation_id
            FROM payments WHERE bill_id = (SELECT id FROM bill WHERE status = 'unpaid')
            ORDER BY created_at DESC LIMIT 1 FOR UPDATE
        )
        SELECT (SELECT id FROM callback) AS callback_pk,
               -- This transaction announces its payment's success itself, after commit (0066).
               set_config('citizen.payment_notice', coalesce(p.id::text, ''), true) AS payment_notice,
               (SELECT outcome FROM bank_callbacks WHERE bank = $1 AND callback_id = $2) AS earlier_outcome,
               b.id AS bill_id, b.agency_id, b.amount_satang AS bill_amount_satang, b.status,
               b.description_th, b.description_en, b.on_paid,
               p.id AS payment_id, p.citizen_id, p.amount_satang AS payment_amount_satang,
               p.state, p.qr_payload, p.expires_at, p.created_at, p.completed_at,
               p.delegation_id
        FROM (SELECT) AS one LEFT JOIN bill b ON true LEFT JOIN payment p ON true
        """,
        bank,
        callback.callback_id,
        body,
        callback.biller_id,
        callback.ref1,
        callback.ref2,
    )
    assert row is not None  # FROM one row, joined left
    bill = payment = None
    if row["bill_id"] is not None:
        bill = LockedBill(
            id=row["bill_id"], agency_id=row["agency_id"], amount_satang=row["bill_amount_satang"],
            status=row["status"], description_th=row["description_th"], description_en=row["description_en"],
            on_paid=row["on_paid"],
        )  # fmt: skip
    if row["payment_id"] is not None:
        payment = PaymentRow(
            id=row["payment_id"], bill_id=row["bill_id"], citizen_id=row["citizen_id"],
            amount_satang=row["payment_amount_satang"], state=row["state"], qr_payload=row["qr_payload"],
            expires_at=row["expires_at"], created_at=row["created_at"], completed_at=row["completed_at"],
            delegation_id=row["delegation_id"],
        )  # fmt: skip
    return CallbackClaim(
        callback_pk=row["callback_pk"], earlier_outcome=row["earlier_outcome"], bill=bill, payment=payment
    )


async def callback_outcome(db: Db, bank: str, callback_id: str) -> CallbackOutcome | None:
    row = await db.fetchrow(
        "SELECT outcome, payment_id FROM bank_callbacks WHERE bank = $1 AND callback_id = $2",
        bank,
        callback_id,
    )
    return CallbackOutcome(outcome=row["outcome"], payment_id=row["payment_id"]) if row else None


async def callback_facts(db: Db, bank: str, callback_id: str) -> tuple[str | None, dt.datetime | None]:
    """The bank's own reference for a callback and when it says the money was paid, as it sent them
    (receipts and reconciliation use them)."""
    row = await db.fetchrow(
        "SELECT body->>'bank_reference' AS reference, (body->>'paid_at')::timestamptz AS paid_at"
        " FROM bank_callbacks WHERE bank = $1 AND callback_id = $2",
        bank,
        callback_id,
    )
    return (row["reference"], row["paid_at"]) if row else (None, None)


_LOCKED_BILL_COLUMNS = "id, agency_id, amount_satang, status, description_th, description_en, on_paid"


async def bill_of_payment_locked(connection: Connection, payment_id: uuid.UUID) -> LockedBill | None:
    row = await connection.fetchrow(
        f"SELECT {_LOCKED_BILL_COLUMNS} FROM bills "  # noqa: S608
        "WHERE id = (SELECT bill_id FROM payments WHERE id = $1) FOR UPDATE",
        payment_id,
    )
    return msgspec.convert(dict(row), LockedBill) if row else None


async def complete_payment(
    connection: Connection, payment_id: uuid.UUID, bill_id: uuid.UUID, amount_satang: int
) -> None:
    """The amount is what the bank paid: support staff may accept a different one."""
    await connection.execute(
        "UPDATE payments SET state = 'success', completed_at = now(), amount_satang = $2 WHERE id = $1",
        payment_id,
        amount_satang,
    )
    await connection.execute("UPDATE bills SET status = 'paid', paid_at = now() WHERE id = $1", bill_id)


async def settle(
    connection: Connection,
    *,
    payment: PaymentRow,
    bill_id: uuid.UUID,
    amount_satang: int,
    source: str,
    detail: str | None,
    bank: str,
    bank_reference: str | None,
    verification_code: str,
    tasks: list[OutboxRow],
    callback_pk: int | None,
    paid_at: dt.datetime,
) -> tuple[NewReceipt, list[int]]:
    """One statement: the payment successful (for the amount paid: support staff may accept another),
    its event, the bill paid, the receipt, ``tasks`` in the outbox and, when a bank callback brought
    the money, that callback's outcome; and any other live payment of the bill (support accepting an
    expired one's late money while a new QR is on the phone) cancelled with its event, so the bill is
    not paid twice. Returns the receipt and the tasks' ids."""
    row = await connection.fetchrow(
        """
        WITH paid AS (
            UPDATE payments SET state = 'success', completed_at = now(), amount_satang = $2
            WHERE id = $1
        ), bill AS (
            UPDATE bills SET status = 'paid', paid_at = $14 WHERE id = $3
        ), event AS (
            INSERT INTO payment_events (payment_id, from_state, to_state, source, detail)
            VALUES ($1, $4, 'success', $5, $6)
        ), receipt AS (
            INSERT INTO receipts (number, payment_id, bill_id, amount_satang, paid_at, bank, bank_reference,
                                  verification_code)
            VALUES ('R' || to_char(now() AT TIME ZONE 'Asia/Bangkok', 'YYYYMMDD') || '-'
                        || lpad(nextval('receipt_numbers')::text, 8, '0'),
                    $1, $3, $2, $14, $7, $8, $9)
            RETURNING id, number
        ), task AS (
            INSERT INTO task_outbox (task, payload, run_after, max_attempts)
            SELECT name, payload::jsonb, now(), attempts FROM unnest($10::text[], $11::text[], $12::int[])
                AS t(name, payload, attempts)
            RETURNING id
        ), callback AS (
            UPDATE bank_callbacks SET outcome = 'paid', payment_id = $1 WHERE id = $13
        ), live AS (
            SELECT id, state FROM payments
            WHERE bill_id = $3 AND id <> $1 AND state IN ('created', 'pending') FOR UPDATE
        ), others AS (
            UPDATE payments o SET state = 'cancelled', completed_at = now() FROM live
            WHERE o.id = live.id RETURNING o.id, live.state
        ), other_events AS (
            INSERT INTO payment_events (payment_id, from_state, to_state, source, detail)
            SELECT id, state, 'cancelled', 'system', 'The bill was paid by another payment.' FROM others
        )
        SELECT receipt.id, receipt.number, (SELECT array_agg(id) FROM task) AS task_ids FROM receipt
        """,
        payment.id,
        amount_satang,
        bill_id,
        payment.state,
        source,
        detail,
        bank,
        bank_reference,
        verification_code,
        [task.name for task in tasks],
        [task.payload for task in tasks],
        [task.max_attempts for task in tasks],
        callback_pk,
        paid_at,
    )
    assert row is not None  # INSERTs without a conflict clause return their rows or raise
    return NewReceipt(id=row["id"], number=row["number"]), list(row["task_ids"] or [])


async def receipt_message_facts(db: Db, payment_id: uuid.UUID) -> ReceiptMessageFacts | None:
    """What a settled payment's receipt message says, read by the task that writes it."""
    row = await db.fetchrow(
        """
        SELECT p.citizen_id, p.delegation_id, b.agency_id, b.description_th, b.description_en,
               r.id AS receipt_id, r.number AS receipt_number, r.amount_satang
        FROM receipts r JOIN payments p ON p.id = r.payment_id JOIN bills b ON b.id = r.bill_id
        WHERE r.payment_id = $1
        """,
        payment_id,
    )
    return msgspec.convert(dict(row), ReceiptMessageFacts) if row else None


async def insert_exception(
    connection: Connection,
    *,
    kind: str,
    bank: str,
    callback_id: str,
    bill_id: uuid.UUID | None,
    payment_id: uuid.UUID | None,
    amount_satang: int,
    detail: str,
    callback_pk: int | None = None,
) -> None:
    """Money that does not fit, kept for support staff; the callback that brought it (recorded as an
    exception) names the payment it was for, when there is one."""
    await connection.execute(
        """
        WITH kept AS (
            INSERT INTO payment_exceptions (kind, bank, callback_id, bill_id, payment_id, amount_satang,
                                            detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
        )
        UPDATE bank_callbacks SET payment_id = $5 WHERE id = $8 AND $5::uuid IS NOT NULL
        """,
        kind,
        bank,
        callback_id,
        bill_id,
        payment_id,
        amount_satang,
        detail,
        callback_pk,
    )


async def insert_receipt(
    connection: Connection,
    *,
    payment_id: uuid.UUID,
    bill_id: uuid.UUID,
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
                $1, $2, $3, now(), $4, $5, $6)
        RETURNING id, number
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
