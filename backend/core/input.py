"""What every request body is held to, in its type: the base Struct and the annotated types of values
that have a rule of their own (a national ID, an amount of money).

The check runs in ``__post_init__``, which msgspec calls when it decodes or converts a body and when
code builds or replaces one, so a service gets the same guarantee whoever called it. It raises
``InvalidInput`` rather than ``ValueError``: msgspec would turn a ``ValueError`` into one message for
the whole struct, where the problem must name each field. Litestar lets other exceptions through its
decoding, and the error handlers answer the 400 problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, ClassVar

import msgspec

from backend.core.crypto import is_valid_national_id
from backend.core.errors import FieldError, InvalidInput
from backend.core.text import hidden_text

_RULE = "rule"
_NATIONAL_ID_RULE = "national_id"

NationalId = Annotated[
    str,
    msgspec.Meta(
        pattern="^[0-9]{13}$",
        description="A Thai national ID: 13 digits, the last the check digit of the first twelve.",
        extra={_RULE: _NATIONAL_ID_RULE},  # Input checks the digit: msgspec has no custom constraints
    ),
]
Money = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=99_999_999_999,  # under a billion baht: what bills.amount_satang and a PromptPay QR carry
        description="An amount in satang (hundredths of a baht).",
    ),
]
"""Amounts are whole satang everywhere (never floats); a request never names a zero or negative one."""


class Input(msgspec.Struct):
    """The base of every request body. No text in it, nested structs, lists and dicts included, may
    carry a character that disguises what others read (``backend.core.text``), and every
    ``NationalId`` field has its check digit; otherwise a 400 names each field.

    Structs nested in a body are plain ``msgspec.Struct``s: the body checks them, naming the full
    path, where a nested ``Input`` would check itself first and name the field without its parent
    (tests/integration/test_hostile_text.py holds every body of the app to this)."""

    unchecked: ClassVar[frozenset[str]] = frozenset()
    """Fields another rule checks, with its own message (an application's answers, by its form)."""

    def __post_init__(self) -> None:
        errors = [
            FieldError(field=field, message=f"contains {hidden}")
            for field, hidden in hidden_text(self, skip=self.unchecked)
        ]
        errors += [
            FieldError(field=field, message="is not a valid 13-digit national ID")
            for field in _invalid_national_ids(self)
        ]
        if errors:
            raise InvalidInput(errors=errors)


_national_id_fields: dict[type[Input], tuple[tuple[str, bool], ...]] = {}


def _invalid_national_ids(data: Input) -> Iterator[str]:
    cls = type(data)
    fields = _national_id_fields.get(cls)
    if fields is None:  # once per class: the annotations are resolved by the first body decoded
        fields = _national_id_fields[cls] = tuple(_national_id_fields_of(cls))
    for name, is_list in fields:
        value = getattr(data, name)
        for index, item in enumerate(value if is_list else [value]):
            if isinstance(item, str) and not is_valid_national_id(item):
                yield f"{name}[{index}]" if is_list else name


def _national_id_fields_of(cls: type[Input]) -> Iterator[tuple[str, bool]]:
    """(field name, whether it is a list of them) for each field typed NationalId (or optional)."""
    info = msgspec.inspect.type_info(cls)
    assert isinstance(info, msgspec.inspect.StructType)
    for field in info.fields:
        kind = field.type
        options = kind.types if isinstance(kind, msgspec.inspect.UnionType) else (kind,)
        for option in options:
            if isinstance(option, msgspec.inspect.ListType) and _is_national_id(option.item_type):
                yield field.name, True
            elif _is_national_id(option):
                yield field.name, False


def _is_national_id(kind: Any) -> bool:
    return isinstance(kind, msgspec.inspect.Metadata) and (kind.extra or {}).get(_RULE) == _NATIONAL_ID_RULE
