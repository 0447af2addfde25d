"""The rules every request body is held to in its type (backend/core/input.py): hidden characters in
any text, nested included, and national IDs' check digits, refused naming each field, whether the body
is decoded or built in code; amounts of money bounded; one ``invalid`` for a refused field."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from backend.core.errors import InvalidInput, invalid
from backend.core.input import Input, Money, NationalId
from tests.factories import valid_national_id

HIDDEN = "ปกติ\u202eเท็จ"
VALID_ID = valid_national_id(77)
WRONG_CHECK_DIGIT = VALID_ID[:12] + str((int(VALID_ID[12]) + 1) % 10)


class Line(msgspec.Struct):
    label: str


class Body(Input, kw_only=True, forbid_unknown_fields=True):
    title: str
    lines: list[Line] = msgspec.field(default_factory=list)
    params: dict[str, str] = msgspec.field(default_factory=dict)
    note: str | None = None


class Person(Input, kw_only=True):
    national_id: NationalId
    other_ids: list[NationalId] = msgspec.field(default_factory=list)
    spouse_id: NationalId | None = None


class Payment(Input):
    amount_satang: Money


class Draft(Input, kw_only=True):
    unchecked = frozenset({"answers"})
    answers: dict[str, Any]
    message: str = ""


def _refusal(call: Any) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as refused:
        call()
    assert refused.value.errors is not None
    return [msgspec.to_builtins(error) for error in refused.value.errors]


def test_hidden_text_anywhere_in_a_decoded_body_is_refused_naming_each_field() -> None:
    body = {
        "title": HIDDEN,
        "lines": [{"label": "ok"}, {"label": HIDDEN}],
        "params": {"name": HIDDEN, HIDDEN: "x"},
        "note": "fine\non two lines",
    }
    errors = _refusal(lambda: msgspec.json.decode(msgspec.json.encode(body), type=Body))
    assert [(error["field"], error["message"]) for error in errors] == [
        ("title", "contains U+202E"),
        ("lines[1].label", "contains U+202E"),
        ("params.name", "contains U+202E"),
        ("params (key)", "contains U+202E"),
    ]


def test_a_body_built_in_code_or_replaced_is_held_to_the_same_rule() -> None:
    assert _refusal(lambda: Body(title="t", note=HIDDEN))[0]["field"] == "note"
    body = Body(title="เบี้ยยังชีพผู้สูงอายุ")
    assert _refusal(lambda: msgspec.structs.replace(body, lines=[Line(label=HIDDEN)]))[0]["field"] == (
        "lines[0].label"
    )
    assert msgspec.convert({"title": "ค่าน้ำ 👨\u200d👩\u200d👧"}, Body).title.startswith("ค่าน้ำ")


def test_a_field_another_rule_checks_is_left_to_it() -> None:
    assert Draft(answers={"school": HIDDEN}).answers == {"school": HIDDEN}
    assert _refusal(lambda: Draft(answers={}, message=HIDDEN))[0]["field"] == "message"


def test_a_national_id_needs_thirteen_digits_and_its_check_digit() -> None:
    assert Person(national_id=VALID_ID, other_ids=[VALID_ID]).national_id == VALID_ID
    errors = _refusal(
        lambda: msgspec.convert(
            {"national_id": WRONG_CHECK_DIGIT, "other_ids": [VALID_ID, WRONG_CHECK_DIGIT], "spouse_id": None},
            Person,
        )
    )
    assert errors == [
        {"field": "national_id", "message": "is not a valid 13-digit national ID", "source": None},
        {"field": "other_ids[1]", "message": "is not a valid 13-digit national ID", "source": None},
    ]
    assert _refusal(lambda: Person(national_id=VALID_ID, spouse_id=WRONG_CHECK_DIGIT))[0]["field"] == (
        "spouse_id"
    )
    for not_digits in ("123456789012", "12345678901234", "123456789012x"):
        with pytest.raises(msgspec.ValidationError, match="national_id"):
            msgspec.convert({"national_id": not_digits}, Person)


@pytest.mark.parametrize("amount", [0, -100, 100_000_000_000, 2**63])
def test_an_amount_is_positive_satang_under_a_billion_baht(amount: int) -> None:
    with pytest.raises(msgspec.ValidationError, match="amount_satang"):
        msgspec.convert({"amount_satang": amount}, Payment)


def test_an_amount_in_range_passes() -> None:
    assert msgspec.convert({"amount_satang": 99_999_999_999}, Payment).amount_satang == 99_999_999_999


def test_invalid_names_one_field() -> None:
    error = invalid("url", "is not https", detail="Use https.")
    assert isinstance(error, InvalidInput)
    assert error.detail == "Use https."
    assert error.errors is not None
    assert [(e.field, e.message) for e in error.errors] == [("url", "is not https")]
