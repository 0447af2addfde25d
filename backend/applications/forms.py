"""Application forms as data: the agency describes its fields, the platform validates both the form
(when the agency saves it) and the citizen's answers (on every draft save, loosely, and on submit).

A small, closed subset of JSON Schema's ideas rather than JSON Schema itself: six kinds of field that
the PWA knows how to draw and that an agency can review at a glance. Each problem names its field,
so the app can put the message beside the right box. An agency's ``pattern`` runs on Google's RE2,
which matches in linear time: a pattern such as ``(a+)+$`` cannot stall a server on a long answer.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Any, Literal

import msgspec
import re2

from backend.core.dates import FIRST_BUDDHIST_ERA_YEAR, common_era_year
from backend.core.errors import FieldError, InvalidInput
from backend.core.jsontypes import JsonObject
from backend.core.text import hidden_character

FieldKind = Literal["text", "number", "date", "choice", "thai_address", "file"]
FieldName = Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9_]{0,39}$")]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Help = Annotated[str, msgspec.Meta(max_length=500)]
DateBound = Annotated[str, msgspec.Meta(pattern="^([0-9]{4}-[0-9]{2}-[0-9]{2}|today)$")]

# The platform already knows these from the digital ID login (once-only): a form never asks again.
KNOWN_FIELDS = frozenset({"full_name", "name", "national_id", "birthdate", "date_of_birth"})
MAX_TEXT = 2000
MAX_FILES_PER_FIELD = 5
THAI_ADDRESS_PARTS = ("house_number", "village", "road", "subdistrict", "district", "province", "postcode")
_REQUIRED_ADDRESS_PARTS = ("house_number", "subdistrict", "district", "province", "postcode")
_POSTCODE = re.compile(r"[1-9][0-9]{4}")
MAX_NUMBER = 10**15  # far past any count or amount a form asks for; JSON allows any number of digits


@functools.lru_cache(maxsize=1024)
def _pattern(source: str) -> Any:
    return re2.compile(source)


class Choice(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    value: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9_-]{1,40}$")]
    label_th: Label
    label_en: Label


class FormField(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    name: FieldName
    kind: FieldKind
    label_th: Label
    label_en: Label
    help_th: Help = ""
    help_en: Help = ""
    required: bool = False
    min_length: Annotated[int, msgspec.Meta(ge=0, le=MAX_TEXT)] | None = None
    max_length: Annotated[int, msgspec.Meta(ge=1, le=MAX_TEXT)] | None = None
    pattern: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    min_date: DateBound | None = None
    max_date: DateBound | None = None
    choices: Annotated[list[Choice], msgspec.Meta(max_length=300)] | None = None
    multiple: bool = False
    max_files: Annotated[int, msgspec.Meta(ge=1, le=MAX_FILES_PER_FIELD)] = 1


class Form(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    fields: Annotated[list[FormField], msgspec.Meta(min_length=1, max_length=60)]


class Requirement(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    text_th: Label
    text_en: Label


StartText = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class StartPage(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    """What a citizen reads before logging in to apply (GOV.UK's start page). The fee comes from the
    service, and the form's file questions are listed after ``requirements`` as the documents to have
    ready, so an agency writes neither twice."""

    who_can_apply_th: StartText
    who_can_apply_en: StartText
    requirements: Annotated[list[Requirement], msgspec.Meta(max_length=20)] = []
    working_days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None
    """How long a decision usually takes, in working days."""


def check_form(form: Form) -> None:
    """Refuse a form that could not be filled in, or that asks for what the platform already knows."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, field in enumerate(form.fields):
        problems = _field_problems(field)
        if field.name in seen:
            problems.append(f"the name {field.name!r} is used twice")
        seen.add(field.name)
        errors += [FieldError(field=f"form.fields[{index}]", message=problem) for problem in problems]
    if errors:
        raise InvalidInput("The form cannot be used as it is.", errors=errors)


def _field_problems(field: FormField) -> list[str]:
    problems: list[str] = []
    if field.name in KNOWN_FIELDS:
        problems.append(f"{field.name!r} comes from the citizen's digital ID: never ask for it again")
    if field.kind == "choice" and not field.choices:
        problems.append("a choice needs at least one choice")
    if field.choices and len({choice.value for choice in field.choices}) != len(field.choices):
        problems.append("choice values must be distinct")
    if field.pattern is not None:
        try:
            _pattern(field.pattern)
        except re2.error:
            problems.append("the pattern is not a valid RE2 expression")
    for bound in (field.min_date, field.max_date):
        if bound not in (None, "today"):
            try:
                dt.date.fromisoformat(str(bound))
            except ValueError:
                problems.append(f"{bound} is not a date")
    if field.min_length is not None and field.max_length is not None and field.min_length > field.max_length:
        problems.append("min_length is above max_length")
    if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        problems.append("minimum is above maximum")
    return problems


def parse_form(raw: Any) -> Form:
    """A form as stored (JSON from the database)."""
    return msgspec.convert(raw, Form)


def _date_bound(value: str | None, today: dt.date) -> dt.date | None:
    if value is None:
        return None
    return today if value == "today" else dt.date.fromisoformat(value)


def _check_text(field: FormField, value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    if len(value) > (field.max_length or MAX_TEXT):
        return f"must be at most {field.max_length or MAX_TEXT} characters"
    if field.min_length is not None and len(value) < field.min_length:
        return f"must be at least {field.min_length} characters"
    if field.pattern is not None and value and not _pattern(field.pattern).fullmatch(value):
        return "is not in the expected format"
    return None


def _check_number(field: FormField, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if abs(value) > MAX_NUMBER:
        return "is too large"
    if field.integer and not float(value).is_integer():
        return "must be a whole number"
    if field.minimum is not None and value < field.minimum:
        return f"must be at least {field.minimum:g}"
    if field.maximum is not None and value > field.maximum:
        return f"must be at most {field.maximum:g}"
    return None


def _check_date(field: FormField, value: Any, today: dt.date) -> str | None:
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return "must be a date (YYYY-MM-DD)"
    if day.year >= FIRST_BUDDHIST_ERA_YEAR:
        # Compared with today's Common Era date it would be "too late": say what was typed instead.
        return (
            f"must be a date in the Common Era: {day.year} is a Buddhist-era year"
            f" ({common_era_year(day.year)} in the Common Era)"
        )
    earliest, latest = _date_bound(field.min_date, today), _date_bound(field.max_date, today)
    if earliest is not None and day < earliest:
        return f"must be on or after {earliest.isoformat()}"
    if latest is not None and day > latest:
        return f"must be on or before {latest.isoformat()}"
    return None


def _check_choice(field: FormField, value: Any) -> str | None:
    allowed = {choice.value for choice in field.choices or []}
    values = value if field.multiple and isinstance(value, list) else [value]
    if field.multiple and not isinstance(value, list):
        return "must be a list of choices"
    if not all(isinstance(item, str) and item in allowed for item in values):
        return "is not one of the choices offered"
    if len(set(values)) != len(values):
        return "names a choice twice"
    return None


def _check_address(value: Any, complete: bool) -> str | None:
    if not isinstance(value, dict):
        return "must be an address"
    unknown = set(value) - set(THAI_ADDRESS_PARTS)
    if unknown:
        return f"has parts that are not part of a Thai address: {', '.join(sorted(unknown))}"
    if not all(isinstance(part, str) and len(part) <= 200 for part in value.values()):
        return "parts must be text of at most 200 characters"
    if complete:
        missing = [part for part in _REQUIRED_ADDRESS_PARTS if not value.get(part, "").strip()]
        if missing:
            return f"is missing: {', '.join(missing)}"
    postcode = value.get("postcode", "")
    if postcode and not _POSTCODE.fullmatch(postcode):
        return "postcode must be five digits"
    return None


def _check_files(field: FormField, value: Any, file_ids: set[str]) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "must be a list of uploaded files"
    if len(value) > field.max_files:
        return f"takes at most {field.max_files} file(s)"
    if any(item not in file_ids for item in value):
        return "names a file that was not uploaded to this application"
    return None


def _is_empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def check_answers(
    form: Form, answers: JsonObject, *, file_ids: set[str], complete: bool, today: dt.date | None = None
) -> list[FieldError]:
    """Problems with the answers, each naming its field. ``complete`` (on submit) also requires the
    required fields; a draft may be half-filled, but never holds an unknown field or a wrong type."""
    today = today or dt.date.today()
    by_name = {field.name: field for field in form.fields}
    errors = [
        FieldError(field=name, message="is not a field of this form")
        for name in answers
        if name not in by_name
    ]
    for field in form.fields:
        value = answers.get(field.name)
        if _is_empty(value):
            if complete and field.required:
                errors.append(FieldError(field=field.name, message="is required"))
            continue
        problem: str | None
        if field.kind == "text":
            problem = _check_text(field, value)
        elif field.kind == "number":
            problem = _check_number(field, value)
        elif field.kind == "date":
            problem = _check_date(field, value, today)
        elif field.kind == "choice":
            problem = _check_choice(field, value)
        elif field.kind == "thai_address":
            problem = _check_address(value, complete)
        else:
            problem = _check_files(field, value, file_ids)
        if problem is not None:
            errors.append(FieldError(field=field.name, message=problem))
    return errors


MAX_HELD_BYTES = 16_384  # an invalid answer kept for its author longer than this is not kept


def sort_answers(
    form: Form, answers: JsonObject, *, file_ids: set[str], today: dt.date | None = None
) -> tuple[JsonObject, JsonObject, list[FieldError]]:
    """A draft's answers sorted: those that fit the form (the draft's answers), those that do not yet
    (kept apart as typed, so the citizen finds them again and corrects them), and each one's problem.
    Text carrying a hidden character is neither: it is only named. Names the form does not have are
    the caller's to refuse (``check_answers`` names them)."""
    problems: list[FieldError] = []
    for name, value in answers.items():
        hidden = next(filter(None, map(hidden_character, text_values(form, {name: value}))), None)
        if hidden is not None:
            problems.append(FieldError(field=name, message=f"contains {hidden}"))
    hidden_names = {problem.field for problem in problems}
    shown = {name: value for name, value in answers.items() if name not in hidden_names}
    problems += check_answers(form, shown, file_ids=file_ids, complete=False, today=today)
    wrong = {problem.field for problem in problems}
    valid = {name: value for name, value in shown.items() if name not in wrong}
    invalid = {
        name: value
        for name, value in shown.items()
        if name in wrong and len(msgspec.json.encode(value)) <= MAX_HELD_BYTES
    }
    return valid, invalid, problems


def file_fields(form: Form) -> dict[str, FormField]:
    return {field.name: field for field in form.fields if field.kind == "file"}


def text_values(form: Form, answers: JsonObject) -> list[str]:
    """Every piece of free text in the answers, for the hidden-character check."""
    found: list[str] = []
    for field in form.fields:
        value = answers.get(field.name)
        if field.kind == "text" and isinstance(value, str):
            found.append(value)
        elif field.kind == "thai_address" and isinstance(value, dict):
            found += [part for part in value.values() if isinstance(part, str)]
    return found
