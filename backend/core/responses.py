"""What a handler's data becomes on the wire. Litestar builds an ``ASGIResponse`` for every answer, filling
its headers through a pure-Python mapping (``setdefault`` for the content type and length, each a look
through the list): on a cached page that was a twentieth of the request's CPU. An answer that is only a
JSON body (no cookies, headers of its own, background task or HEAD) is sent here as two prepared
messages; anything else goes Litestar's way, unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Response
from litestar.serialization import get_serializer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from litestar import Litestar, Request
    from litestar.background_tasks import BackgroundTask, BackgroundTasks
    from litestar.datastructures import Cookie
    from litestar.enums import MediaType
    from litestar.types import ASGIApp, Receive, Scope, Send, TypeEncodersMap

_JSON = "application/json"


class _Prepared:
    """Both ASGI messages of a plain JSON answer, built once."""

    __slots__ = ("_body", "_start")

    def __init__(self, status: int, body: bytes) -> None:
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        self._start = {"type": "http.response.start", "status": status, "headers": headers}
        self._body = {"type": "http.response.body", "body": body, "more_body": False}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(self._start)  # type: ignore[arg-type]
        await send(self._body)  # type: ignore[arg-type]


class LeanResponse(Response[Any]):
    """The app's ``response_class``: Litestar's ``Response`` with a short way for plain JSON."""

    def to_asgi_response(  # type: ignore[override]
        self,
        app: Litestar | None,
        request: Request[Any, Any, Any],
        *,
        background: BackgroundTask | BackgroundTasks | None = None,
        cookies: Iterable[Cookie] | None = None,
        encoded_headers: Iterable[tuple[bytes, bytes]] | None = None,
        headers: dict[str, str] | None = None,
        is_head_response: bool = False,
        media_type: MediaType | str | None = None,
        status_code: int | None = None,
        type_encoders: TypeEncodersMap | None = None,
    ) -> ASGIApp:
        status = self.status_code or status_code or 200
        if (
            (self.media_type or media_type or _JSON) == _JSON
            and 200 <= status < 300
            and status != 204
            and not (self.headers or headers or self.cookies or cookies or encoded_headers)
            and self.background is None
            and background is None
            and not is_head_response
        ):
            encoders = {**(type_encoders or {}), **(self.response_type_encoders or {})}
            return _Prepared(status, self.render(self.content, _JSON, get_serializer(encoders or None)))
        return super().to_asgi_response(
            app,
            request,
            background=background,
            cookies=cookies,
            encoded_headers=encoded_headers,
            headers=headers,
            is_head_response=is_head_response,
            media_type=media_type,
            status_code=status_code,
            type_encoders=type_encoders,
        )
