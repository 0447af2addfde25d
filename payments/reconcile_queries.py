"""SQL of bank settlement reconciliation: our successful payments of a bank's day, and each run with its
items, for ``payments.reconcile``."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Connection, Db
from payments.rows import ReconciliationItem, SettledPayment


async def settled_payments(db: Db, bank: str, settlement_date: dt.date) -> list[SettledPayment]:
    """The bank's successful payments of one day (Bangkok time), as our receipts record them."""
    rows = await db.fetch(
        """
        SELECT r.payment_id, r.bank_reference, r.amount_satang, b.biller_id, b.ref1, b.ref2
        FROM receipts r JOIN bills b ON b.id = r.bill_id
        WHERE r.bank = $1 AND (r.paid_at AT TIME ZONE 'Asia/Bangkok')::date = $2
        """,
        bank,
        settlement_date,
    )
    return [msgspec.convert(dict(row), SettledPayment) for row in rows]


async def insert_reconciliation(
    connection: Connection,
    *,
    bank: str,
    settlement_date: dt.date,
    file_name: str,
    counts: dict[str, int],
    imported_by: uuid.UUID | None,
    items: list[ReconciliationItem],
) -> int:
    """The run with its counts, and every item of it; the run's id."""
    run_id: int = await connection.fetchval(
        """
        INSERT INTO reconciliations (bank, settlement_date, file_name, matched, missing_ours,
                                     missing_bank, amount_differences, imported_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
        """,
        bank,
        settlement_date,
        file_name,
        counts["matched"],
        counts["missing_ours"],
        counts["missing_bank"],
        counts["amount_difference"],
        imported_by,
    )
    await connection.executemany(
        """
        INSERT INTO reconciliation_items (reconciliation_id, kind, bank_reference, biller_id, ref1, ref2,
                                          bank_amount_satang, our_amount_satang, payment_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """,
        [(run_id, *msgspec.structs.astuple(item)) for item in items],
    )
    return run_id
