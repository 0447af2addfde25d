"""The hidden-character rule (backend/core/text.py) by Unicode category: every invisible or format
character is refused, wherever it sits in the text; what Thai and other scripts need passes."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from backend.core.text import hidden_character

# Every format character (Cf) this Python knows but the two joiners; a list of fourteen let 149 pass.
FORMAT = [
    chr(code)
    for code in range(sys.maxunicode + 1)
    if unicodedata.category(chr(code)) == "Cf" and chr(code) not in "\u200c\u200d"
]
NAMED = {
    "\u061c": "Arabic letter mark",
    "\u180e": "Mongolian vowel separator",
    "\u200b": "zero-width space",
    "\u200e": "left-to-right mark",
    "\u202e": "right-to-left override",
    "\u2061": "function application",
    "\u2066": "left-to-right isolate",
    "\u00ad": "soft hyphen",
    "\ufeff": "byte order mark",
    "\ufff9": "interlinear annotation anchor",
    "\U000e0001": "language tag",
    "\U000e0041": "tag Latin capital A",
    "\U000e007f": "cancel tag",
    "\U0001d173": "musical symbol begin beam",
    "\u115f": "Hangul choseong filler",
    "\u1160": "Hangul jungseong filler",
    "\u3164": "Hangul filler",
    "\uffa0": "halfwidth Hangul filler",
    "\u17b4": "Khmer vowel inherent aq",
    "\u2800": "braille pattern blank",
    "\ue000": "private use",
    "\U000f0000": "supplementary private use",
    "\U000e0000": "unassigned tag",
    "\u2065": "unassigned, default ignorable",
    "\ufff0": "unassigned specials",
    "\ufdd0": "noncharacter",
    "\uffff": "noncharacter",
    "\U0001fffe": "noncharacter",
    "\x07": "bell",
    "\r": "carriage return",
    "\x7f": "delete",
    "\x85": "next line",
}


@pytest.mark.parametrize("hidden", sorted({*FORMAT, *NAMED}), ids=lambda c: f"U+{ord(c):04X}")
def test_each_hidden_character_is_refused_wherever_it_sits(hidden: str) -> None:
    expected = f"U+{ord(hidden):04X}"
    for text in (hidden, f"เบี้ยยังชีพ{hidden}ผู้สูงอายุ", f"Elderly allowance{hidden}", f"{hidden}ค่าน้ำ"):
        assert hidden_character(text) == expected, (NAMED.get(hidden), text)


def test_the_rule_covers_every_format_character_python_knows() -> None:
    assert len(FORMAT) > 150  # not a short list: the whole category
    assert all(hidden_character(c) for c in FORMAT)


@pytest.mark.parametrize(
    "text",
    [
        "เบี้ยยังชีพผู้สูงอายุ ค่าน้ำ กรุณาชำระภายใน ๑๕ วัน",  # Thai marks (Mn) and digits
        "line one\nline two\ttabbed",
        "क्\u200dष",  # Devanagari with a zero-width joiner
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian "I want", with a zero-width non-joiner
        # emoji sequences: joiners, one variation selector after a character, a keycap
        "👨\u200d👩\u200d👧 ❤\ufe0f 1\ufe0f\u20e3 👁\ufe0f\u200d🗨\ufe0f",
        "\U0001fae8",  # an emoji newer than this Python's Unicode data (unassigned here), drawn as a box
        "葛\U000e0100",  # an ideographic variation sequence
        "Café naïve — “quoted” · 100 ฿",
        "ກ ខ ㄱ 가",  # Lao, Khmer, Hangul letters (not fillers)
    ],
)
def test_text_scripts_need_passes(text: str) -> None:
    assert hidden_character(text) is None


@pytest.mark.parametrize("text", ["❤\ufe0f\ufe0f", "\ufe0fx", "a\U000e0100\U000e0101\U000e0102"])
def test_variation_selectors_in_a_row_or_alone_are_refused(text: str) -> None:
    """One after a character picks its form; a run of them carries hidden data ("emoji smuggling")."""
    assert hidden_character(text) is not None


def test_the_characters_passed_at_once_each_pass_the_rules_one_by_one() -> None:
    """Plain text (printable ASCII, newline, tab, Thai) skips the character-by-character look: each
    of its characters must pass that look, and the same text with one hidden character must not."""
    from backend.core.text import _NOT_PLAIN, _hidden_slowly

    plain = [chr(code) for code in range(sys.maxunicode + 1) if _NOT_PLAIN.search(chr(code)) is None]
    assert len(plain) == 2 + 95 + 58 + 29  # tab, newline, printable ASCII, the Thai block's assigned
    assert [c for c in plain if _hidden_slowly(c) is not None] == []
    assert hidden_character("สวัสดี\u200b ครับ") == "U+200B"
