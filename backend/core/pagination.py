"""Keyset pages for lists that grow for years (inbox, bills, receipts): a page is read from where the
last one ended, by an index, so the thousandth page costs what the first does (an OFFSET would read
and discard every row before it).

A cursor is the last row's sort key, base64url-encoded and opaque to clients. The next page's address
goes in the RFC 8288 ``Link: <…>; rel="next"`` header where the body is a plain list, so existing
clients of that list keep working and simply see its first page."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.datastructures import ResponseHeader

from backend.core.crypto import b64url
from backend.core.errors import invalid

T = TypeVar("T")
SEPARATOR = "|"  # never inside an ISO date-time, an integer or a uuid
MAX_PAGE = 200
# For the OpenAPI document: a list answered a page at a time says where the next page is.
NEXT_PAGE = [
    ResponseHeader(name="Link", description='The next page: `<url>; rel="next"`', documentation_only=True)
]


def cursor(*parts: object) -> str:
    """The cursor after a row whose sort key is ``parts`` (each written with ``str``)."""
    return b64url(SEPARATOR.join(str(part) for part in parts).encode())


def position(value: str, parse: Callable[[list[str]], T], *, what: str) -> T:
    """The sort key inside ``value``, rebuilt by ``parse`` from its parts; a cursor that is not one of
    ours (hand-made, cut short, from another list) is the caller's 400 on the ``cursor`` field."""
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        return parse(text.split(SEPARATOR))
    except (ValueError, UnicodeDecodeError, IndexError, TypeError) as exc:
        raise invalid("cursor", f"is not a page cursor from {what}") from exc


def next_link(path: str, query: dict[str, str | int | None], next_cursor: str) -> str:
    """The ``Link`` header value for the page after this one: same path and filters, the new cursor."""
    kept = {key: value for key, value in query.items() if value is not None and key != "cursor"}
    return f'<{path}?{urlencode({**kept, "cursor": next_cursor})}>; rel="next"'


def page_response(
    request: Request[Any, Any, Any], items: list[Any], next_cursor: str | None
) -> Response[Any]:
    """A page as a plain list, with the ``Link`` to the next one when there is one."""
    headers = {}
    if next_cursor is not None:
        headers["Link"] = next_link(request.url.path, dict(request.query_params), next_cursor)
    return Response(items, headers=headers)
