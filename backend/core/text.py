"""Text that one person writes and others read: normalised, and refused when it hides something.

Thai needs its combining marks (category Mn), so nothing is stripped silently; what is refused is
decided by Unicode category rather than a list, so that the next invisible character is refused too:
control characters (Cc, but for newline and tab), every format character (Cf: bidirectional marks,
overrides and isolates, zero-width characters, tag characters, the BOM...) but the two joiners other
scripts need, private-use characters (Co), surrogates (Cs), noncharacters, unassigned code points
reserved as invisible, the fillers that draw nothing, and runs of variation selectors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import msgspec

# Zero-width non-joiner and joiner (Cf) shape Persian, Indic scripts and emoji sequences.
_JOINERS = frozenset("\u200c\u200d")
# Letters (Lo) and a symbol (So) that draw nothing: the Hangul fillers, the Khmer inherent vowels
# Unicode deprecated, and the blank braille cell. U+2800 is refused although braille text may use it
# as a space: texts here are Thai and English, braille readers get braille from their screen reader,
# and a blank that is not whitespace is how a name or title is made to look empty or end early.
_BLANKS = frozenset("\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
# Unassigned code points (Cn) are let through: Python's Unicode data lags the phones' (a new emoji is
# Cn here) and an unknown character is drawn as a visible box. Except these, which Unicode reserves
# as default-ignorable (drawn as nothing whatever they become) or as noncharacters.
_RESERVED_INVISIBLE = ((0x2065, 0x2065), (0xFFF0, 0xFFF8), (0xE0000, 0xE0FFF))
_REFUSED_CATEGORIES = frozenset({"Cf", "Co", "Cs"})


def _variation_selector(character: str) -> bool:
    code = ord(character)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def _refused(character: str) -> bool:
    category = unicodedata.category(character)
    if category in _REFUSED_CATEGORIES:
        return character not in _JOINERS
    if category == "Cc":
        return character not in "\n\t"
    if category == "Cn":
        code = ord(character)
        noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
        return noncharacter or any(low <= code <= high for low, high in _RESERVED_INVISIBLE)
    return character in _BLANKS


# Printable ASCII, newline, tab and the Thai block's assigned characters: none is refused (a unit test
# checks each against the rules below). Text made of them only, nearly all text here, is passed at
# once rather than character by character.
_PLAIN = "\t\n\x20-\x7e\u0e01-\u0e3a\u0e3f-\u0e5b"
_NOT_PLAIN = re.compile(f"[^{_PLAIN}]")


def hidden_character(value: str) -> str | None:
    """The first character that has no place in shown text, as U+XXXX, or None."""
    return None if _NOT_PLAIN.search(value) is None else _hidden_slowly(value)


def _hidden_slowly(value: str) -> str | None:
    if value.isascii():  # the common case: only control characters to look for
        hidden = next((c for c in value if (c < " " or c == "\x7f") and c not in "\n\t"), None)
        return None if hidden is None else f"U+{ord(hidden):04X}"
    after_selector = True  # a variation selector belongs after a character, one at most
    for character in value:
        selector = _variation_selector(character)
        if _refused(character) or (selector and after_selector):
            return f"U+{ord(character):04X}"
        after_selector = selector
    return None


def normalise(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def hidden_text(data: msgspec.Struct, *, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """(field path, U+XXXX) for each text in a struct (nested structs, lists and dicts included, but
    not the top-level fields in ``skip``) that carries a character disguising what others will read."""
    for name in data.__struct_fields__:
        if name not in skip:
            yield from _hidden_in(getattr(data, name), name)


def _hidden_in(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if (hidden := hidden_character(value)) is not None:
            yield path, hidden
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            yield from _hidden_in(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _hidden_in(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _hidden_in(key, f"{path} (key)")
            yield from _hidden_in(item, f"{path}.{key}")
