"""Text that one person writes and others read: normalised, and refused when it hides something.

Thai needs its combining marks, so nothing is stripped silently; what is refused are control
characters and the invisible formatting characters used to disguise text (bidirectional overrides
and isolates, zero-width characters other than the joiners some scripts need).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import msgspec

from backend.core.errors import FieldError, InvalidInput

_DISGUISES = frozenset("\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff")


def hidden_character(value: str) -> str | None:
    """The first character that has no place in shown text, as U+XXXX, or None."""
    for character in value:
        if character in _DISGUISES or (unicodedata.category(character) == "Cc" and character not in "\n\t"):
            return f"U+{ord(character):04X}"
    return None


def normalise(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def search_key(value: str) -> str:
    """What search compares: NFC, case-folded (Thai has no case; English does)."""
    return unicodedata.normalize("NFC", value).casefold()


def refuse_hidden_text(data: msgspec.Struct) -> None:
    """400, naming each field, when any text in a request body (nested structs, lists and dicts
    included) carries a character that disguises what others will read."""
    errors = [FieldError(field=field, message=f"contains {hidden}") for field, hidden in _hidden_in(data, "")]
    if errors:
        raise InvalidInput(errors=errors)


def _hidden_in(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if (hidden := hidden_character(value)) is not None:
            yield path or "body", hidden
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            yield from _hidden_in(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _hidden_in(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _hidden_in(key, f"{path} (key)")
            yield from _hidden_in(item, f"{path}.{key}")
