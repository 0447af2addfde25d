"""Links the app opens by itself (a message's tap target, where a login returns to): paths of this
site only.

Starting with "/" is not enough: browsers read "//host/x" and "/\\host" as another origin, drop tabs
and newlines anywhere in a URL ("/\\t/host" is "//host"), and servers or proxies on the way may
decode "/%5chost" or "/%2fhost" before anyone reads them again. So a link is accepted only as a
plain path: one leading "/", no empty or dot segment in the path, no backslash, no whitespace,
control or invisible formatting character anywhere; and its path stays so at every layer of
percent-decoding.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote

from backend.core.errors import invalid

SAME_SITE_PATH = "must be a path of this site, such as /bills"
_DECODING_LAYERS = 3  # "%255c" is "%5c" once decoded, "\\" twice; more layers are refused outright
# Whitespace (Z*), controls (Cc), invisible formatting (Cf), and code points that are no character.
_REFUSED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"})


def same_site_path_problem(value: str) -> str | None:
    """Why ``value`` is not a plain path of this site, or None when it is one."""
    if not _plain_path(value):
        return SAME_SITE_PATH
    # The path decides where a link goes; a query ("?q=a%20b") may carry anything encoded.
    layer = value.split("?", 1)[0].split("#", 1)[0]
    for _ in range(_DECODING_LAYERS):
        try:
            decoded = unquote(layer, errors="strict")
        except UnicodeDecodeError:  # "%ff": bytes that are no text hide what they decode to
            return SAME_SITE_PATH
        if decoded == layer:
            return None
        if not _plain_path(decoded):
            return SAME_SITE_PATH
        layer = decoded
    return SAME_SITE_PATH


def is_same_site_path(value: str) -> bool:
    return same_site_path_problem(value) is None


def refuse_foreign_link(value: str | None, field: str) -> None:
    """400, naming the field, when a link would leave this site."""
    if value is not None and (problem := same_site_path_problem(value)) is not None:
        raise invalid(field, problem)


def _plain_path(value: str) -> bool:
    if not value.startswith("/") or "\\" in value:
        return False
    if any(unicodedata.category(character) in _REFUSED_CATEGORIES for character in value):
        return False
    path = value.split("?", 1)[0].split("#", 1)[0]
    segments = path.split("/")[1:]
    # "/" alone and a trailing "/" are fine; "//host", "/a//b", "/./" and "/../" are not.
    dots = (".", "..")
    return all(segment not in ("", *dots) for segment in segments[:-1]) and segments[-1] not in dots
