"""Text that one person writes and others read: normalised, and refused when it hides something.

Thai needs its combining marks, so nothing is stripped silently; what is refused are control
characters and the invisible formatting characters used to disguise text (bidirectional overrides
and isolates, zero-width characters other than the joiners some scripts need).
"""

from __future__ import annotations

import unicodedata

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
