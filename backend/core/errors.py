"""One error hierarchy, mapped once to RFC 9457 problem details.

Litestar's ``ProblemDetailsPlugin`` only converts ``HTTPException``s; we also need unexpected
exceptions turned into a bare 500, lost database or Redis connections into a 503, and validation
errors that name each field, all in one shape. So the handlers live here and the plugin is not used.
No stack trace or internal message ever reaches a client: it goes to the log with the request id.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any, ClassVar

import asyncpg
import msgspec
import redis.exceptions
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

PROBLEM_JSON = "application/problem+json"
_log = structlog.get_logger(__name__)


class ConfigurationError(Exception):
    """The process cannot start as configured; the message says what to set."""


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str
    source: str | None = None


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    """An RFC 9457 problem details body."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None
    retry_after: int | None = None


class AppError(Exception):
    """Base of every error a handler raises on purpose. Subclasses name the status and problem type."""

    status_code: ClassVar[int] = HTTPStatus.INTERNAL_SERVER_ERROR
    problem_type: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class BadRequest(AppError):
    status_code = HTTPStatus.BAD_REQUEST
    problem_type = "bad-request"
    title = "Bad request"


class InvalidInput(AppError):
    status_code = HTTPStatus.BAD_REQUEST
    problem_type = "validation-error"
    title = "The request is not valid"


def invalid(field: str, message: str, *, detail: str | None = None) -> InvalidInput:
    """The 400 for one field a rule refused, naming it: ``raise invalid("url", "is not https")``."""
    return InvalidInput(detail, errors=[FieldError(field=field, message=message)])


class NotAuthenticated(AppError):
    status_code = HTTPStatus.UNAUTHORIZED
    problem_type = "not-authenticated"
    title = "Log in to continue"


class Forbidden(AppError):
    status_code = HTTPStatus.FORBIDDEN
    problem_type = "forbidden"
    title = "You may not do this"


class NotFound(AppError):
    status_code = HTTPStatus.NOT_FOUND
    problem_type = "not-found"
    title = "Not found"


class Conflict(AppError):
    status_code = HTTPStatus.CONFLICT
    problem_type = "conflict"
    title = "Conflict with the current state"


class RateLimited(AppError):
    status_code = HTTPStatus.TOO_MANY_REQUESTS
    problem_type = "rate-limited"
    title = "Too many requests"

    def __init__(self, retry_after_seconds: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_seconds)})
        self.retry_after_seconds = retry_after_seconds


class ServiceUnavailable(AppError):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    problem_type = "service-unavailable"
    title = "The service is briefly unavailable"


# Losing the database or Redis mid-request is an outage, not a bug: answer 503 quickly.
_UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    asyncio.TimeoutError,
)
_UNAVAILABLE_RETRY_AFTER_SECONDS = 5


def problem_response(
    request: Request[Any, Any, Any], problem: Problem, headers: dict[str, str]
) -> Response[Any]:
    problem = msgspec.structs.replace(
        problem, instance=request.url.path, request_id=request.scope.get("state", {}).get("request_id")
    )
    return Response(
        content=msgspec.json.encode(problem),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _problem(status: int, problem_type: str, title: str, detail: str | None = None, **extra: Any) -> Problem:
    return Problem(type=f"/problems/{problem_type}", title=title, status=status, detail=detail, **extra)


def _app_error_handler(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    retry_after = exc.retry_after_seconds if isinstance(exc, RateLimited) else None
    problem = _problem(
        exc.status_code, exc.problem_type, exc.title, exc.detail, errors=exc.errors, retry_after=retry_after
    )
    return problem_response(request, problem, exc.headers)


def _validation_error_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    items = exc.extra if isinstance(exc.extra, list) else []
    errors = [
        FieldError(
            field=str(item.get("key") or "body"),
            message=str(item.get("message", "invalid value")),
            source=item.get("source"),
        )
        for item in items
        if isinstance(item, dict)
    ]
    detail = "; ".join(f"{error.field}: {error.message}" for error in errors) or str(exc.detail)
    problem = _problem(400, "validation-error", "The request is not valid", detail, errors=errors or None)
    return problem_response(request, problem, {})


def _http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = HTTPStatus(exc.status_code)
    if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return _unexpected_error_handler(request, exc)
    slug = status.phrase.lower().replace(" ", "-").replace("'", "")
    detail = exc.detail if exc.detail and exc.detail != status.phrase else None
    problem = _problem(status, slug, status.phrase, detail)
    return problem_response(request, problem, dict(exc.headers or {}))


def _data_error_handler(request: Request[Any, Any, Any], exc: asyncpg.DataError) -> Response[Any]:
    """PostgreSQL refused a value the request carried (a number past bigint, a malformed date): the
    caller's mistake, not ours. Logged without the message, which quotes the value."""
    _log.warning("value_refused_by_database", error=type(exc).__name__, path=request.url.path)
    problem = _problem(
        400, "value-out-of-range", "The request is not valid", "A value in the request is out of range."
    )
    return problem_response(request, problem, {})


def _too_deep_handler(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """JSON nested thousands deep exhausts the decoder's stack: the caller's doing, answered as such."""
    _log.warning("request_nested_too_deeply", path=request.url.path)
    problem = _problem(
        400, "bad-request", "The request is not valid", "The request body is nested too deeply."
    )
    return problem_response(request, problem, {})


def _unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, _UNAVAILABLE_ERRORS):
        _log.warning(
            "dependency_unavailable", error=type(exc).__name__, detail=str(exc)[:300], path=request.url.path
        )
        error = ServiceUnavailable(
            "A system this request needs is not answering. Please try again shortly.",
            headers={"Retry-After": str(_UNAVAILABLE_RETRY_AFTER_SECONDS)},
        )
        return _app_error_handler(request, error)
    _log.exception("unhandled_error", path=request.url.path, exc_info=exc)
    problem = _problem(
        500,
        "internal-error",
        "Something went wrong on our side",
        "The error has been recorded. Quote the request id if you contact support.",
    )
    return problem_response(request, problem, {})


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    AppError: _app_error_handler,
    ValidationException: _validation_error_handler,
    HTTPException: _http_error_handler,
    asyncpg.DataError: _data_error_handler,
    RecursionError: _too_deep_handler,
    Exception: _unexpected_error_handler,
}

__all__ = [
    "EXCEPTION_HANDLERS",
    "PROBLEM_JSON",
    "AppError",
    "BadRequest",
    "ConfigurationError",
    "Conflict",
    "FieldError",
    "Forbidden",
    "InvalidInput",
    "NotAuthenticated",
    "NotFound",
    "Problem",
    "RateLimited",
    "ServiceUnavailable",
    "invalid",
]
