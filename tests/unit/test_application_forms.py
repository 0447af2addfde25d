from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from backend.applications.forms import Form, check_answers, check_form
from backend.core.errors import InvalidInput

TODAY = dt.date(2026, 11, 22)


def form(*fields: dict[str, Any]) -> Form:
    return msgspec.convert({"fields": list(fields)}, Form)


def field(name: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "label_th": name, "label_en": name, **extra}


def problems(
    checked: Form, answers: dict[str, Any], *, complete: bool = True, files: set[str] | None = None
) -> dict[str, str]:
    errors = check_answers(checked, answers, file_ids=files or set(), complete=complete, today=TODAY)
    return {error.field: error.message for error in errors}


def test_a_form_may_not_ask_for_what_the_digital_id_gives() -> None:
    for name in ("national_id", "full_name", "birthdate"):
        with pytest.raises(InvalidInput) as refused:
            check_form(form(field(name, "text")))
        assert refused.value.errors is not None
        assert "digital ID" in refused.value.errors[0].message


def test_a_form_with_a_repeated_name_an_empty_choice_or_a_broken_pattern_is_refused() -> None:
    for broken in (
        form(field("a", "text"), field("a", "number")),
        form(field("a", "choice")),
        form(field("a", "text", pattern="(")),
        form(field("a", "number", minimum=5, maximum=1)),
    ):
        with pytest.raises(InvalidInput):
            check_form(broken)


def test_unknown_kinds_and_fields_do_not_even_decode() -> None:
    with pytest.raises(msgspec.ValidationError):
        form(field("a", "signature"))
    with pytest.raises(msgspec.ValidationError):
        form(field("a", "text", script="alert(1)"))
    with pytest.raises(msgspec.ValidationError):
        form(field("A name", "text"))


def test_required_fields_are_only_required_on_submission() -> None:
    checked = form(field("school", "text", required=True), field("note", "text"))
    assert problems(checked, {}, complete=False) == {}
    assert problems(checked, {"school": ""}) == {"school": "is required"}
    assert problems(checked, {"school": "Keio"}) == {}


def test_each_kind_checks_its_own_values() -> None:
    checked = form(
        field("school", "text", max_length=5, pattern="[A-Z][a-z]*"),
        field("years", "number", integer=True, minimum=1, maximum=15),
        field("finished", "date", min_date="2000-01-01", max_date="today"),
        field("level", "choice", choices=[{"value": "M3", "label_th": "ม.3", "label_en": "M3"}]),
        field("langs", "choice", multiple=True, choices=[
            {"value": "th", "label_th": "ไทย", "label_en": "Thai"},
            {"value": "en", "label_th": "อังกฤษ", "label_en": "English"},
        ]),
        field("home", "thai_address"),
        field("scan", "file", max_files=1),
    )  # fmt: skip
    wrong = {
        "school": "keio university",
        "years": 2.5,
        "finished": "2026-11-23",
        "level": "M6",
        "langs": ["th", "th"],
        "home": {"house_number": "1", "postcode": "1011"},
        "scan": ["a", "b"],
    }
    assert set(problems(checked, wrong)) == set(wrong)
    assert problems(checked, {"years": True}) == {"years": "must be a number"}
    assert problems(checked, {"finished": "1999-12-31"}) == {"finished": "must be on or after 2000-01-01"}
    assert problems(checked, {"home": {"house_number": "1"}})["home"].startswith("is missing")
    assert problems(checked, {"home": {"house_number": "1"}}, complete=False) == {}
    assert problems(checked, {"home": {"floor": "3"}}, complete=False)["home"].startswith("has parts")
    right = {
        "school": "Keio",
        "years": 3,
        "finished": "2020-03-31",
        "level": "M3",
        "langs": ["th", "en"],
        "home": {
            "house_number": "1",
            "subdistrict": "a",
            "district": "b",
            "province": "c",
            "postcode": "10110",
        },
        "scan": ["f1"],
    }
    assert problems(checked, right, files={"f1"}) == {}
    assert problems(checked, right) == {"scan": "names a file that was not uploaded to this application"}


def test_answers_for_fields_the_form_does_not_have_are_refused() -> None:
    assert problems(form(field("a", "text")), {"b": "x"}, complete=False) == {
        "b": "is not a field of this form"
    }


def test_a_form_s_bounds_and_patterns_are_checked_when_it_is_saved() -> None:
    for broken in (
        form(field("d", "date", min_date="2020-99-99")),
        form(field("t", "text", pattern="(a)\\1")),  # a back-reference: not RE2, not linear
    ):
        with pytest.raises(InvalidInput):
            check_form(broken)


def test_a_pattern_that_backtracks_for_ever_in_python_answers_at_once_in_re2() -> None:
    checked = form(field("t", "text", pattern="(a+)+$", max_length=2000))
    check_form(checked)
    assert problems(checked, {"t": "a" * 1999 + "!"}) == {"t": "is not in the expected format"}
    assert problems(checked, {"t": "a" * 2000}) == {}


def test_a_number_past_any_sensible_size_is_refused_not_a_crash() -> None:
    checked = form(field("n", "number", integer=True))
    assert problems(checked, {"n": 10**400}) == {"n": "is too large"}
    assert problems(checked, {"n": 1e300}) == {"n": "is too large"}
