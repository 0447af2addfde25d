"""Structured logs (structlog) with a request id on every line and in the ``X-Request-ID`` header.

Litestar's ``StructlogPlugin`` logs whole requests (including query strings, which can carry OIDC
codes); we log one summary line per request without the query, so configuration stays here.
Standard-library loggers (granian, SAQ, asyncpg) are routed through the same renderer.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import os
import re
import secrets
import sys
import uuid
from collections.abc import Mapping
from typing import Any

import structlog
from litestar.types import Scope

REQUEST_ID_HEADER = "x-request-id"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_access_log = structlog.get_logger("citizen.access")
_access_logger = logging.getLogger("citizen.access")
# A share link's token is its only credential: it never reaches a log line.
_SECRET_PATH_PARTS = re.compile(r"(/shared/(?:files/)?)[^/]+")


def _ids_as_text(_logger: Any, _method: str, event: Any) -> Any:
    """Ids (``uuid.UUID``) logged as their text, as before they were typed, not as ``UUID('…')``."""
    for name, value in event.items():
        if isinstance(value, uuid.UUID):
            event[name] = str(value)
    return event


def configure_logging(level: str = "INFO", *, json_lines: bool = True) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _ids_as_text,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_lines
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,  # drop disabled levels before any processing
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Chatty at INFO: pgserver narrates every pg_ctl call, SAQ every cron tick. Their warnings still show.
    # httpx logs every outbound request with its whole URL, query included (an agency's webhook URL may
    # carry its token); webhook and push attempts are recorded in the database instead.
    for noisy in ("pgserver", "saq", "httpx"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


class _RequestIds:
    """Ids unique across processes without a system call each: a random half per process (made again in
    a forked child, as granian's workers are) and a counter. They name a request in logs and support
    calls; nothing is authorised by one, so being guessable costs nothing."""

    def __init__(self) -> None:
        self._renew()
        os.register_at_fork(after_in_child=self._renew)

    def _renew(self) -> None:
        self._prefix = secrets.token_hex(8)
        self._counter = itertools.count()

    def next(self) -> str:
        return f"{self._prefix}{next(self._counter):016x}"


_request_ids = _RequestIds()


def new_request_id(incoming: str | None) -> str:
    if incoming and _VALID_REQUEST_ID.match(incoming):
        return incoming
    return _request_ids.next()


Bound = Mapping[str, contextvars.Token[Any]]


def start_request(scope: Scope) -> tuple[str, Bound]:
    """The request's id (kept from the caller when well-formed), bound to every log line until
    ``end_request``; returned as ``X-Request-ID`` by the request pipeline (``backend.core.pipeline``).
    Only the request id is bound to the context, so unbinding it at the end is enough: clearing the
    context instead looked through every variable of it, twice a request."""
    incoming = next(
        (value.decode("latin-1") for name, value in scope["headers"] if name == b"x-request-id"), None
    )
    request_id = new_request_id(incoming)
    scope.setdefault("state", {})["request_id"] = request_id
    return request_id, structlog.contextvars.bind_contextvars(request_id=request_id)


def end_request(scope: Scope, status: int, seconds: float, bound: Bound) -> None:
    """One line per request (at INFO: a quieter level skips building it)."""
    if _access_logger.isEnabledFor(logging.INFO):
        _access_log.info(
            "request",
            method=scope.get("method", ""),
            path=_SECRET_PATH_PARTS.sub(r"\1…", scope["path"]),
            status=status,
            duration_ms=round(seconds * 1000, 2),
        )
    structlog.contextvars.reset_contextvars(**bound)
