"""Every request's own steps, in one ASGI layer around the whole app: its id and log line
(``backend.core.logging``), the security headers (``backend.core.security``), the queue deadline
(``backend.core.deadline``), the in-flight limit (``backend.core.admission``) and its count in the
metrics (``backend.core.metrics``). They were five layers, each wrapping ``send`` once more and looking
through the headers again: a fifth of a cached page's CPU. The order is theirs: the request id and
headers go on every answer, the deadline's and the door's 503s included; a request past the deadline
never waits at the door; ``Server-Timing`` is on each counted answer.

It wraps Litestar's ASGI handler rather than being one of its ``middleware=`` (which run only for matched
routes): 404s and 405s carry the request id and headers too. Metrics count only routed requests, by
route template, as Litestar's Prometheus plugin did.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from litestar.enums import ScopeType

from backend.core.admission import InFlightLimit, counted
from backend.core.deadline import QueueDeadline
from backend.core.logging import end_request, start_request
from backend.core.metrics import RequestMetrics
from backend.core.security import security_headers

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send


class RequestPipeline:
    def __init__(
        self,
        app: ASGIApp,
        *,
        https: bool,
        deadline: QueueDeadline | None = None,
        admission: InFlightLimit | None = None,
        metrics: RequestMetrics | None = None,
    ) -> None:
        self.app = app
        self.headers = security_headers(https=https)
        self.header_names = {name for name, _ in self.headers}
        self.deadline = deadline
        self.admission = admission
        self.metrics = metrics or RequestMetrics()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id, bound = start_request(scope)
        request_id_header = request_id.encode()
        started = time.perf_counter()
        costly = counted(scope["path"])
        timed = self.admission is not None and costly
        status = 500
        ended = 0.0

        async def respond(message: Message) -> None:
            nonlocal status, ended
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                if timed:  # what the server added, its wait for a place included
                    spent = (time.perf_counter() - started) * 1000
                    headers.append((b"server-timing", f"app;dur={spent:.1f}".encode()))
                # A handler may set a stricter value of its own; ours fill in the rest.
                if any(name.lower() in self.header_names for name, _ in headers):
                    present = {name.lower() for name, _ in headers}
                    headers.extend(header for header in self.headers if header[0] not in present)
                else:
                    headers.extend(self.headers)
                headers.append((b"x-request-id", request_id_header))
                message["headers"] = headers
            elif message["type"] == "http.response.body":
                ended = time.perf_counter()
            await send(message)

        self.metrics.started(scope)
        try:
            # The PWA's own files cost next to nothing: a browser that waited still gets its page (and
            # the app's words for a busy service), never a 503 as raw JSON.
            if self.deadline is not None and costly and self.deadline.too_late(scope):
                await self.deadline.refuse(scope, respond)
            elif not timed:
                await self.app(scope, receive, respond)
            else:
                assert self.admission is not None
                if not await self.admission.enter(scope):
                    await self.admission.refuse(scope, respond)
                    return
                try:
                    await self.app(scope, receive, respond)
                finally:
                    self.admission.leave()
        finally:
            now = time.perf_counter()
            self.metrics.finished(scope, status, (ended or now) - started)
            end_request(scope, status, now - started, bound)
