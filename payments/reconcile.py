"""Reconciliation of a bank's settlement file against our successful payments.

The file is CSV with a header: ``date, bank_reference, biller_id, ref1, ref2, amount`` (amount in baht
with two decimals), every line of the day reconciled (a line of another day refuses the file, naming
it). A line matches the receipt that has its bank reference, or else (once every reference has taken
its own) its biller and references; the report counts what matched, what the bank settled that we
have no success for (missing on our side), what we counted that the bank did not settle that day
(missing on the bank's side) and amount differences. Every item is stored for support staff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from backend.core.db import Pool
from backend.core.errors import FieldError, InvalidInput
from payments import reconcile_queries
from payments.rows import ReconciliationItem, SettledPayment
from payments.schemas import ReconciliationKind

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


def _of_the_day(lines: list[SettlementLine], settlement_date: dt.date) -> None:
    """A file is one day's: a line of another day would be counted missing on our side, and that day's
    payment missing on the bank's, when it is the file that was wrong."""
    other = [
        FieldError(field=f"line {line.line}", message=f"is dated {line.date}, not {settlement_date}")
        for line in lines
        if line.date != settlement_date
    ]
    if other:
        raise InvalidInput(
            f"{len(other)} lines are of another day than {settlement_date}: import each day on its own",
            errors=other[:50],
        )


async def reconcile(
    pool: Pool,
    *,
    bank: str,
    settlement_date: dt.date,
    file_name: str,
    text: str,
    imported_by: uuid.UUID | None,
) -> dict[str, object]:
    """The report (the run's id, bank, date and a count per kind of item), as ``citizen payments
    reconcile`` prints it and ``ReconciliationReport`` shows it."""
    lines = parse_settlement(text)
    _of_the_day(lines, settlement_date)
    async with pool.acquire() as connection, connection.transaction():
        ours = await reconcile_queries.settled_payments(connection, bank, settlement_date)
        items = match(lines, ours)
        counts = {
            kind: sum(1 for item in items if item.kind == kind)
            for kind in ("matched", "missing_ours", "missing_bank", "amount_difference")
        }
        run_id = await reconcile_queries.insert_reconciliation(
            connection,
            bank=bank,
            settlement_date=settlement_date,
            file_name=file_name,
            counts=counts,
            imported_by=imported_by,
            items=items,
        )
    return {"id": run_id, "bank": bank, "settlement_date": settlement_date, **counts}


def match(lines: list[SettlementLine], ours: list[SettledPayment]) -> list[ReconciliationItem]:
    """Each line against our payments, then each of our payments no line matched. Every line that has
    our payment's bank reference takes it first; only then do the other lines take, by biller and
    references, payments still untaken: so a line the bank sent for money we kept as an exception (paid
    twice: the same bill) cannot take the bill's payment from the line that is really its own, whatever
    the file's order. A payment matches one line at most."""
    by_reference = {row.bank_reference: row for row in ours if row.bank_reference}
    by_bill = {(row.biller_id, row.ref1, row.ref2): row for row in ours}
    seen: set[uuid.UUID] = set()
    chosen: dict[int, SettledPayment] = {}
    for line in lines:
        mine = by_reference.get(line.bank_reference)
        if mine is not None and mine.payment_id not in seen:
            seen.add(mine.payment_id)
            chosen[line.line] = mine
    for line in lines:
        mine = None if line.line in chosen else by_bill.get((line.biller_id, line.ref1, line.ref2))
        # By bill only where a reference cannot tell: a line whose reference is not our payment's is
        # other money for the bill (paid twice), not the payment the bank left out.
        if mine is not None and line.bank_reference and mine.bank_reference:
            mine = None
        if mine is not None and mine.payment_id not in seen:
            seen.add(mine.payment_id)
            chosen[line.line] = mine
    items: list[ReconciliationItem] = []
    for line in lines:
        mine = chosen.get(line.line)
        if mine is None:
            kind: ReconciliationKind = "missing_ours"
            payment_id, our_amount = None, None
        else:
            payment_id, our_amount = mine.payment_id, mine.amount_satang
            kind = "matched" if our_amount == line.amount_satang else "amount_difference"
        items.append(
            ReconciliationItem(
                kind=kind,
                bank_reference=line.bank_reference,
                biller_id=line.biller_id,
                ref1=line.ref1,
                ref2=line.ref2,
                bank_amount_satang=line.amount_satang,
                our_amount_satang=our_amount,
                payment_id=payment_id,
            )
        )
    items += [
        ReconciliationItem(
            kind="missing_bank",
            bank_reference=row.bank_reference,
            biller_id=row.biller_id,
            ref1=row.ref1,
            ref2=row.ref2,
            bank_amount_satang=None,
            our_amount_satang=row.amount_satang,
            payment_id=row.payment_id,
        )
        for row in ours
        if row.payment_id not in seen
    ]
    return items
