"""Work whose phone has given up is not started. A request that waited in front of the app (the proxy's
queue, the server's backlog) longer than a phone waits is answered 503 with Retry-After at once, before
any handler runs: in a rush the app spends itself on people still there, not on requests nobody will
read (the wallet programme's first day: thousands of logins and drafts made for clients long gone).

How long it waited comes from the proxy's ``X-Request-Start`` stamp (``t=`` and the Unix time in
seconds, milliseconds or microseconds, as nginx, Caddy and Heroku write it), believed only from a
trusted proxy (``TRUSTED_PROXIES``): anyone else could send any time."""

from __future__ import annotations

import ipaddress
import time
from typing import TYPE_CHECKING, cast

import msgspec
import structlog

from backend.core.errors import PROBLEM_JSON, Problem
from backend.core.login_navigation import is_login_navigation, problem_page

if TYPE_CHECKING:
    from litestar.types import (
        HTTPResponseBodyEvent,
        HTTPResponseStartEvent,
        Scope,
        Send,
    )

_log = structlog.get_logger(__name__)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
RETRY_AFTER_SECONDS = 5


def queued_since(stamp: str) -> float | None:
    """The Unix time in seconds an ``X-Request-Start`` value names, or None if it is not one."""
    value = stamp.strip().removeprefix("t=")
    try:
        number = float(value)
    except ValueError:
        return None
    if number > 1e14:  # microseconds
        return number / 1e6
    if number > 1e11:  # milliseconds
        return number / 1e3
    return number if number > 0 else None


class QueueDeadline:
    """Checked by the request pipeline (``backend.core.pipeline``) before anything else runs."""

    def __init__(self, *, deadline_seconds: float, trusted_proxies: list[Network]) -> None:
        self.deadline_seconds = deadline_seconds
        self.trusted_proxies = trusted_proxies

    def _trusted(self, scope: Scope) -> bool:
        client = scope.get("client")
        if not client or not self.trusted_proxies:
            return False
        try:
            address = ipaddress.ip_address(client[0])
        except ValueError:
            return False
        return any(address in network for network in self.trusted_proxies)

    def too_late(self, scope: Scope) -> bool:
        """The request waited past the deadline in front of the app (then logged)."""
        if not self.trusted_proxies or not self._trusted(scope):
            return False
        stamp = next((value for name, value in scope["headers"] if name == b"x-request-start"), None)
        since = queued_since(stamp.decode("latin-1")) if stamp else None
        waited = time.time() - since if since is not None else 0.0
        if waited <= self.deadline_seconds:
            return False
        _log.warning("request_dropped_after_waiting", path=scope["path"], waited_ms=round(waited * 1000))
        return True

    @staticmethod
    async def refuse(scope: Scope, send: Send) -> None:
        detail = "The request waited too long before it could be served. Please try again shortly."
        await send_unavailable(scope, send, detail, RETRY_AFTER_SECONDS)


async def send_unavailable(scope: Scope, send: Send, detail: str, retry_after: int) -> None:
    """A 503 problem with Retry-After, sent before the app has done anything for the request (a browser
    opening a login page is sent to the app's page saying so: ``backend.core.login_navigation``)."""
    method, query = cast("str", scope.get("method", "")), scope.get("query_string", b"")
    if is_login_navigation(method, scope["path"], scope["headers"]):
        location = problem_page("service-unavailable", retry_after, query)
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode()),
                    (b"cache-control", b"no-store"),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return
    problem = Problem(
        type="/problems/service-unavailable",
        title="The service is briefly unavailable",
        status=503,
        detail=detail,
        instance=scope["path"],
        request_id=scope.get("state", {}).get("request_id"),
        retry_after=retry_after,
    )
    body = msgspec.json.encode(problem)
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": 503,
        "headers": [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"retry-after", str(retry_after).encode()),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)
