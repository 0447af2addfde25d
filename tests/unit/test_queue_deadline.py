"""A request its proxy stamped longer ago than a phone waits is answered 503 before any handler runs; a
fresh one, an unstamped one and a stamp from anyone but a trusted proxy go through."""

from __future__ import annotations

import ipaddress
import json
import time
from typing import TYPE_CHECKING, Any, cast

from backend.core.deadline import QueueDeadline, queued_since
from backend.core.pipeline import RequestPipeline

if TYPE_CHECKING:
    from litestar.types import Receive, Scope, Send

PROXY = ipaddress.ip_network("10.0.0.0/8")


async def _call(
    stamp: str | None, client: str = "10.0.0.5", path: str = "/api/v1/entitlements"
) -> tuple[int, dict[str, str], bytes, bool]:
    reached = False

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal reached
        reached = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    headers = [(b"x-request-start", stamp.encode())] if stamp is not None else []
    scope = {"type": "http", "path": path, "headers": headers, "client": (client, 5000)}
    deadline = QueueDeadline(deadline_seconds=10, trusted_proxies=[PROXY])
    middleware = RequestPipeline(app, https=False, deadline=deadline)
    await middleware(cast("Scope", scope), cast("Receive", receive), cast("Send", send))
    start, body = sent
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body["body"], reached


def test_stamps_in_seconds_milliseconds_and_microseconds_read_alike() -> None:
    assert queued_since("t=1733400000.5") == 1733400000.5
    assert queued_since("t=1733400000500") == 1733400000.5
    assert queued_since("1733400000500000") == 1733400000.5
    assert queued_since("t=soon") is None


async def test_a_request_that_waited_past_the_deadline_is_not_started() -> None:
    status, headers, body, reached = await _call(f"t={int((time.time() - 30) * 1000)}")
    assert (status, reached) == (503, False)
    assert headers["content-type"] == "application/problem+json"
    assert headers["retry-after"] == "5"
    assert json.loads(body)["type"] == "/problems/service-unavailable"


async def test_fresh_unstamped_and_untrusted_requests_go_through() -> None:
    assert (await _call(f"t={time.time() - 1:.3f}"))[3] is True  # waited a second: served
    assert (await _call(None))[3] is True  # no proxy in front (a developer's machine)
    stale = f"t={int((time.time() - 30) * 1000)}"
    assert (await _call(stale, client="203.0.113.9"))[3] is True  # not our proxy: its stamp means nothing
    # The PWA's own files are served however long they waited: a first visit in a rush gets the app (and
    # its page in Thai about the busy service), not a raw JSON 503.
    assert (await _call(stale, path="/"))[3] is True
    assert (await _call(stale, path="/login-problem"))[3] is True
