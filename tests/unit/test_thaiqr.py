from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.thaiqr import (
    ThaiQRError,
    build_bill_payment,
    build_promptpay,
    crc16_ccitt_false,
    parse,
)

# A copy of shared/vectors/thai-qr.txt, so that the tests run from any clone.
VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "thai-qr.txt"


def _vectors() -> list[tuple[dict[str, str], str]]:
    cases = []
    for line in VECTORS.read_text().splitlines():
        if " => " in line and not line.startswith("#"):
            fields_text, payload = line.split(" => ")
            fields = dict(part.split("=", 1) for part in fields_text.split())
            cases.append((fields, payload.strip()))
    return cases


def test_the_crc_check_value_is_29b1() -> None:
    assert f"{crc16_ccitt_false(b'123456789'):04X}" == "29B1"


def test_the_shared_vectors_are_present() -> None:
    assert len(_vectors()) >= 5


@pytest.mark.parametrize(("fields", "payload"), _vectors())
def test_each_vector_parses_to_its_fields_and_building_them_parses_the_same(
    fields: dict[str, str], payload: str
) -> None:
    parsed = parse(payload)
    amount = Decimal(fields["amount"]) if "amount" in fields else None
    assert parsed.amount == amount
    assert parsed.dynamic is (amount is not None)
    if fields["kind"] == "promptpay":
        assert (parsed.kind, parsed.target) == ("promptpay", fields["target"])
        rebuilt = build_promptpay(fields["target"], amount)
    else:
        assert (parsed.kind, parsed.biller_id, parsed.ref1, parsed.ref2) == (
            "bill", fields["biller"], fields["ref1"], fields.get("ref2"),
        )  # fmt: skip
        rebuilt = build_bill_payment(fields["biller"], fields["ref1"], fields.get("ref2"), amount)
    assert parse(rebuilt) == parsed


amounts = st.none() | st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2)
references = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20)


@given(
    target=st.one_of(
        st.from_regex(r"0[0-9]{9}", fullmatch=True),
        st.from_regex(r"[0-9]{13}", fullmatch=True),
        st.from_regex(r"[0-9]{15}", fullmatch=True),
    ),
    amount=amounts,
)
def test_a_built_promptpay_payload_parses_back_to_the_same_fields(
    target: str, amount: Decimal | None
) -> None:
    parsed = parse(build_promptpay(target, amount))
    assert (parsed.kind, parsed.target, parsed.amount, parsed.dynamic) == (
        "promptpay", target, amount, amount is not None,
    )  # fmt: skip


@given(
    biller=st.from_regex(r"[0-9]{13}|[0-9]{15}", fullmatch=True),
    ref1=references,
    ref2=st.none() | references,
    amount=amounts,
)
def test_a_built_bill_payment_parses_back_to_the_same_fields(
    biller: str, ref1: str, ref2: str | None, amount: Decimal | None
) -> None:
    parsed = parse(build_bill_payment(biller, ref1, ref2, amount))
    assert (parsed.biller_id, parsed.ref1, parsed.ref2, parsed.amount) == (biller, ref1, ref2, amount)


def _recrc(body_without_crc: str) -> str:
    body = body_without_crc + "6304"
    return body + f"{crc16_ccitt_false(body.encode()):04X}"


def _bill_template(ref2_field: str) -> str:
    """Tag 30 with the given raw reference-2 sub-field, for payloads no builder would make."""
    inner = "0016A000000677010112" + "01130994000165510" + "0208INV12345" + ref2_field
    return f"30{len(inner):02d}{inner}"


GOOD = build_bill_payment("0994000165510", "INV12345", "CUST01", Decimal("300.00"))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1"), "CRC"),
        (GOOD.replace("5406300.00", "5407300.00"), "length"),
        (_recrc(GOOD[:-8].replace("5406300.00", "5405300.0")), "two decimals"),
        (_recrc(GOOD[:-8].replace("5406300.00", "540630O.00")), "two decimals"),
        (_recrc(GOOD[:-8].replace("5406300.00", "54060.0000")), "two decimals"),
        (_recrc(GOOD[:-8].replace("5303764", "5303840")), "currency"),
        (_recrc(GOOD[:-8] + "7002XX"), "field 70"),
        (_recrc(GOOD[:-8].replace("A000000677010112", "A000000677019999")), "application ID"),
        (_recrc("000201010212" + "5303764" + "5802TH" + "5406100.00"), "exactly one"),
        (_recrc(GOOD[:-8].replace("5406300.00", "")), "must carry an amount"),
        ("hello", "2-digit field ID"),
        ("000", "cut short"),
        (_recrc(GOOD[:-8].replace("5406300.00", "540500.50")), "two decimals"),
        (_recrc("000201010212" + _bill_template("0300") + "53037645802TH5406300.00"), "reference 2"),
        ("000201", r"CRC field \(63\) is missing"),
    ],
)
def test_a_bad_payload_is_refused_with_a_clear_reason(payload: str, message: str) -> None:
    with pytest.raises(ThaiQRError, match=message):
        parse(payload)


def test_optional_fields_in_any_order_are_kept() -> None:
    body = GOOD[:-8]
    reordered = _recrc(
        "5802TH" + "5303764" + body.replace("5802TH", "").replace("5303764", "") + "5910DEMO WATER"
    )
    parsed = parse(reordered)
    assert parsed.extra == {"59": "DEMO WATER"}
    assert parsed.biller_id == "0994000165510"


def test_builders_refuse_what_cannot_be_paid() -> None:
    with pytest.raises(ThaiQRError):
        build_promptpay("12345")
    with pytest.raises(ThaiQRError):
        build_promptpay("0812345678", Decimal("0"))
    with pytest.raises(ThaiQRError):
        build_bill_payment("0994000165510", "lower-case")
    with pytest.raises(ThaiQRError):
        build_promptpay("0812345678", Decimal("1.005"))


def test_the_vector_copies_match_the_shared_ones_where_those_exist() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "vectors"
    copies = Path(__file__).resolve().parents[1] / "vectors"
    for copy in copies.glob("*.txt"):
        if (shared / copy.name).exists():  # beside the checkout in CI and on developers' machines
            assert copy.read_text() == (shared / copy.name).read_text(), copy.name
