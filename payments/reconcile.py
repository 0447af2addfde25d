"""Reconciliation of a bank's settlement file against our successful payments.

The file is CSV with a header: ``date, bank_reference, biller_id, ref1, ref2, amount`` (amount in baht
with two decimals). A line matches the receipt that has its bank reference, or else its biller and
references; the report counts what matched, what the bank settled that we have no success for
(missing on our side), what we counted that the bank did not settle that day (missing on the bank's
side) and amount differences. Every item is stored for support staff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from backend.core.db import Pool
from backend.core.errors import FieldError, InvalidInput

_COLUMNS = ("date", "bank_reference", "biller_id", "ref1", "ref2", "amount")
_MAX_LINES = 200_000


@dataclass(frozen=True, slots=True)
class SettlementLine:
    line: int
    date: dt.date
    bank_reference: str
    biller_id: str
    ref1: str
    ref2: str | None
    amount_satang: int


def parse_settlement(text: str) -> list[SettlementLine]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or [name.strip() for name in reader.fieldnames] != list(_COLUMNS):
        raise InvalidInput(f"The settlement file needs the header: {','.join(_COLUMNS)}")
    lines: list[SettlementLine] = []
    errors: list[FieldError] = []
    for number, row in enumerate(reader, start=2):
        if number > _MAX_LINES:
            raise InvalidInput(f"At most {_MAX_LINES} lines per file")
        try:
            amount = Decimal(row["amount"].strip())
            if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
                raise InvalidOperation
            lines.append(
                SettlementLine(
                    line=number,
                    date=dt.date.fromisoformat(row["date"].strip()),
                    bank_reference=row["bank_reference"].strip(),
                    biller_id=row["biller_id"].strip(),
                    ref1=row["ref1"].strip(),
                    ref2=row["ref2"].strip() or None,
                    amount_satang=int(amount * 100),
                )
            )
        except (ValueError, InvalidOperation, AttributeError):
            errors.append(
                FieldError(
                    field=f"line {number}", message="needs a date, references and an amount like 300.00"
                )
            )
    if errors:
        raise InvalidInput(f"{len(errors)} lines could not be read", errors=errors[:50])
    return lines


async def reconcile(
    pool: Pool, *, bank: str, settlement_date: dt.date, file_name: str, text: str, imported_by: str | None
) -> dict[str, Any]:
    lines = parse_settlement(text)
    async with pool.acquire() as connection, connection.transaction():
        ours = await connection.fetch(
            """
            SELECT r.payment_id::text, r.bank_reference, r.amount_satang, b.biller_id, b.ref1, b.ref2
            FROM receipts r JOIN bills b ON b.id = r.bill_id
            WHERE r.bank = $1 AND (r.paid_at AT TIME ZONE 'Asia/Bangkok')::date = $2
            """,
            bank,
            settlement_date,
        )
        by_reference = {row["bank_reference"]: dict(row) for row in ours if row["bank_reference"]}
        by_bill = {(row["biller_id"], row["ref1"], row["ref2"]): dict(row) for row in ours}
        seen: set[str] = set()
        items: list[tuple[Any, ...]] = []
        for line in lines:
            mine = by_reference.get(line.bank_reference) or by_bill.get(
                (line.biller_id, line.ref1, line.ref2)
            )
            if mine is None or mine["payment_id"] in seen:
                kind, payment_id, our_amount = "missing_ours", None, None
            else:
                seen.add(mine["payment_id"])
                payment_id, our_amount = mine["payment_id"], mine["amount_satang"]
                kind = "matched" if our_amount == line.amount_satang else "amount_difference"
            items.append(
                (
                    kind,
                    line.bank_reference,
                    line.biller_id,
                    line.ref1,
                    line.ref2,
                    line.amount_satang,
                    our_amount,
                    payment_id,
                )
            )
        for row in ours:
            if row["payment_id"] not in seen:
                items.append(
                    (
                        "missing_bank",
                        row["bank_reference"],
                        row["biller_id"],
                        row["ref1"],
                        row["ref2"],
                        None,
                        row["amount_satang"],
                        row["payment_id"],
                    )
                )
        counts = {
            kind: sum(1 for item in items if item[0] == kind)
            for kind in ("matched", "missing_ours", "missing_bank", "amount_difference")
        }
        run_id: int = await connection.fetchval(
            """
            INSERT INTO reconciliations (bank, settlement_date, file_name, matched, missing_ours,
                                         missing_bank, amount_differences, imported_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid) RETURNING id
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
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid)
            """,
            [(run_id, *item) for item in items],
        )
    return {"id": run_id, "bank": bank, "settlement_date": settlement_date, **counts}
