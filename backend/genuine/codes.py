"""The verification code printed under a message: 16 characters of Crockford's base32, shown in four
groups of four (``7K3M-QX9P-2RTV-H8WC``). Fifteen are random (75 bits); the last is a check character,
so a mistyped or invented code is refused without looking anything up (docs/genuine-messages.md says
why 75 bits make guessing hopeless)."""

from __future__ import annotations

import hashlib
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's: no I, L, O, U to misread
RANDOM_CHARS = 15
CODE_CHARS = RANDOM_CHARS + 1
# What a person may type for a character: Crockford's decoding (O is 0, I and L are 1).
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_CHARS}}}")
# Four groups of four as they appear in a pasted SMS or letter (any case, any dash or space between).
FOUND_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Za-z]{4}(?:[ \-\u2010-\u2015][0-9A-Za-z]{4}){3})(?![0-9A-Za-z])"
)


def check_character(random_part: str) -> str:
    """One character from the hash of the other fifteen: catches 31 of 32 mistyped codes."""
    return ALPHABET[hashlib.sha256(random_part.encode()).digest()[0] % len(ALPHABET)]


def new_code() -> str:
    bits = secrets.randbits(5 * RANDOM_CHARS)  # one draw, five bits a character (32 = 2**5: uniform)
    random_part = "".join(ALPHABET[(bits >> shift) & 31] for shift in range(0, 5 * RANDOM_CHARS, 5))
    return random_part + check_character(random_part)


def normalise(typed: str) -> str | None:
    """The code a person typed or pasted (any case, with or without dashes and spaces, O for 0), or
    None when it cannot be one of ours: then nothing is looked up."""
    if len(typed) > 64:
        return None
    candidate = _SEPARATORS.sub("", typed).upper().translate(_READ_AS)
    if not _CODE.fullmatch(candidate):
        return None
    return candidate if check_character(candidate[:RANDOM_CHARS]) == candidate[RANDOM_CHARS] else None


def grouped(code: str) -> str:
    """As it is printed: four groups of four joined by dashes."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))
