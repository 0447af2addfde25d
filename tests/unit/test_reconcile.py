"""Matching a bank's settlement file to our payments, whatever the order of its lines, and a file of
one day only."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from backend.core.errors import InvalidInput
from payments.reconcile import SettlementLine, match, parse_settlement, reconcile
from payments.rows import SettledPayment

DAY = dt.date(2026, 12, 7)


def line(number: int, reference: str, amount: int = 30000) -> SettlementLine:
    return SettlementLine(
        line=number, date=DAY, bank_reference=reference, biller_id="099400016551001", ref1="R1", ref2=None,
        amount_satang=amount,
    )  # fmt: skip


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_money_paid_twice_never_takes_the_payment_from_its_own_line(order: tuple[int, int]) -> None:
    """The bill's payment has the bank's reference BR1; the second transfer (BR2, kept by us as an
    exception) names the same bill. Whichever comes first in the file, BR1 is the match."""
    ours = SettledPayment(
        payment_id=uuid.uuid4(), bank_reference="BR1", amount_satang=30000, biller_id="099400016551001",
        ref1="R1", ref2=None,
    )  # fmt: skip
    lines = [line(2, "BR1"), line(3, "BR2")]
    items = match([lines[i] for i in order], [ours])
    by_reference = {item.bank_reference: item.kind for item in items}
    assert by_reference == {"BR1": "matched", "BR2": "missing_ours"}


def test_other_money_for_a_bill_never_stands_in_for_the_payment_the_bank_left_out() -> None:
    """The bank's file lacks our payment (BR1) but has a second transfer for its bill (BR2): both are
    differences, not one match that hides them. A payment the bank gave no reference is matched by bill."""
    ours = SettledPayment(
        payment_id=uuid.uuid4(), bank_reference="BR1", amount_satang=30000, biller_id="099400016551001",
        ref1="R1", ref2=None,
    )  # fmt: skip
    kinds = sorted((item.bank_reference, item.kind) for item in match([line(2, "BR2")], [ours]))
    assert kinds == [("BR1", "missing_bank"), ("BR2", "missing_ours")]
    unreferenced = SettledPayment(
        payment_id=uuid.uuid4(), bank_reference=None, amount_satang=30000, biller_id="099400016551001",
        ref1="R1", ref2=None,
    )  # fmt: skip
    assert [item.kind for item in match([line(2, "BR2")], [unreferenced])] == ["matched"]


async def test_a_file_with_lines_of_another_day_is_refused_naming_them() -> None:
    text = "date,bank_reference,biller_id,ref1,ref2,amount\n" + "\n".join(
        [
            f"{DAY},BR1,099400016551001,R1,,300.00",
            f"{DAY - dt.timedelta(days=1)},BR2,099400016551001,R2,,300.00",
        ]
    )
    assert len(parse_settlement(text)) == 2
    with pytest.raises(InvalidInput) as refused:
        await reconcile(None, bank="b", settlement_date=DAY, file_name="f.csv", text=text, imported_by=None)  # type: ignore[arg-type]
    assert [error.field for error in refused.value.errors or []] == ["line 3"]
