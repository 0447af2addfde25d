"""A template's category is one of the categories named in Thai and English, checked by the backend, so
the console offers a labelled list and a citizen's settings screen can name every category in use."""

from __future__ import annotations

from typing import get_args

import msgspec
import pytest

from notifications.categories import CATEGORY_NAMES
from notifications.schemas import NewTemplate, TemplateCategory

TEMPLATE = {"key": "notice", "title_th": "ประกาศ", "title_en": "Notice", "body_th": "ข้อ", "body_en": "Note"}


def _decoded(**changes: str) -> NewTemplate:
    return msgspec.json.decode(msgspec.json.encode({**TEMPLATE, **changes}), type=NewTemplate)


def test_the_categories_a_template_may_take_are_the_named_ones() -> None:
    # Notices about acting for someone and a waiting room's "your turn" come from the platform alone.
    assert list(get_args(TemplateCategory)) == [
        key for key in CATEGORY_NAMES if key not in ("delegation", "turns")
    ]


def test_a_named_category_is_taken_and_an_agencys_own_word_refused_with_the_field_named() -> None:
    assert _decoded(category="health").category == "health"
    with pytest.raises(msgspec.ValidationError, match=r"\$\.category"):
        _decoded(category="flood-news")
