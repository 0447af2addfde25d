"""Links in messages and where a login returns to.

Links the app opens by itself (a message's tap target, where a login returns to) are paths of this
site only. A link to an agency's own website is sent as the platform's leaving page instead
(``leave_path``): a signed address naming the destination and the agency, which the citizen sees
before leaving (docs/genuine-messages.md, "Links inside messages").

Starting with "/" is not enough: browsers read "//host/x" and "/\\host" as another origin, drop tabs
and newlines anywhere in a URL ("/\\t/host" is "//host"), and servers or proxies on the way may
decode "/%5chost" or "/%2fhost" before anyone reads them again. So a link is accepted only as a
plain path: one leading "/", no empty or dot segment in the path, no backslash, no whitespace,
control or invisible formatting character anywhere; and its path stays so at every layer of
percent-decoding.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from backend.core.crypto import b64url
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


# --- links out of the platform: an agency's own site, reached through the platform's leaving page ---

OUTSIDE_LINK = (
    "ต้องเป็นลิงก์ https:// ไปยังชื่อโดเมนที่เขียนด้วยอักษรละตินเท่านั้น · "
    "must be an https:// link to a plain host name, such as https://dsdw.go.th/apply"
)
NOT_OWN_DOMAIN = (
    "ลิงก์นี้ไม่อยู่ในโดเมนที่หน่วยงานลงทะเบียนและได้รับอนุมัติในทะเบียนช่องทางทางการ · "
    "is not on one of this agency's approved link domains in the sender registry"
)
LINK_MAX = 500
# A host as the sender registry keeps a link domain: lower-case letters, digits and hyphens in dotted
# labels, the last one starting with a letter (so no IP address). IDNs only in their xn-- form.
_HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")


def outside_link_problem(value: str) -> str | None:
    """Why ``value`` is not a link the platform may send a citizen to, or None when it is one.

    Only printable ASCII (a look-alike host in Cyrillic or Thai letters, whitespace and control
    characters are refused rather than normalised), ``https://``, a plain host: no user info ("@"), no
    port, no percent-escape, no backslash (browsers read "\\" as "/"), then a path, query or fragment.
    """
    if len(value) > LINK_MAX or not value.startswith("https://"):
        return OUTSIDE_LINK
    if any(not "!" <= character <= "~" for character in value) or "\\" in value:
        return OUTSIDE_LINK
    rest = value.removeprefix("https://")
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if not _HOST.fullmatch(host):
        return OUTSIDE_LINK
    # Read again the way a URL library does: it must find the same host and nothing else.
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return OUTSIDE_LINK
    if parts.hostname != host or parts.netloc != host or parts.username is not None or port is not None:
        return OUTSIDE_LINK
    return None


def link_host(value: str) -> str:
    """The host of a link ``outside_link_problem`` accepted."""
    return urlsplit(value).netloc


def on_domains(host: str, domains: Iterable[str]) -> bool:
    """``host`` is one of ``domains`` or under one of them (``www.dsdw.go.th`` under ``dsdw.go.th``)."""
    return any(host == domain or host.endswith(f".{domain}") for domain in domains)


# The leaving page's address carries the destination and the sending agency, signed: the platform
# recorded them at send time, so "/leave/..." cannot be turned into a redirect to anywhere else.
LEAVE_PREFIX = "/leave/"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{4,1000}\.[A-Za-z0-9_-]{22}$")


def _leave_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"leave-link-v1", hashlib.sha256).digest()


def _mac(secret_key: str, payload: str) -> str:
    digest = hmac.new(_leave_key(secret_key), payload.encode(), hashlib.sha256).digest()[:16]
    return b64url(digest)


def leave_path(secret_key: str, agency_id: int, url: str) -> str:
    """The platform address a message carries in place of ``url``: the same for the same link and agency,
    so that a retried send under one idempotency key is the same request."""
    payload = b64url(f"{agency_id}\n{url}".encode())
    return f"{LEAVE_PREFIX}{payload}.{_mac(secret_key, payload)}"


def read_leave_token(secret_key: str, token: str) -> tuple[int, str] | None:
    """(agency id, destination) of a token this platform signed, or None (malformed, tampered with, or
    a destination that would not be accepted today)."""
    if not _TOKEN.fullmatch(token):
        return None
    payload, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(secret_key, payload)):
        return None
    try:
        agency, url = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().split("\n", 1)
    except (ValueError, UnicodeDecodeError):
        return None
    if not agency.isdigit() or outside_link_problem(url) is not None:
        return None
    return int(agency), url
