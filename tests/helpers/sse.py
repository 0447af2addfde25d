"""Server-sent events read as they arrive from the app in this process. httpx's ASGI transport hands a
response over only once it has ended, which a stream waiting for news does not do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar


class EventStream:
    def __init__(self, status: int, chunks: asyncio.Queue[bytes | None]) -> None:
        self.status = status
        self._chunks = chunks
        self._buffer = ""
        self.ended = False

    async def next_data(self, seconds: float = 10.0) -> str | None:
        """The next event's data, or None once the stream has ended."""
        async with asyncio.timeout(seconds):
            while True:
                block, separator, rest = self._buffer.partition("\r\n\r\n")
                if separator:
                    self._buffer = rest
                    data = [line[6:] for line in block.split("\r\n") if line.startswith("data: ")]
                    if data:
                        return "\n".join(data)
                    continue
                if self.ended:
                    return None
                chunk = await self._chunks.get()
                if chunk is None:
                    self.ended = True
                else:
                    self._buffer += chunk.decode()


@asynccontextmanager
async def event_stream(app: Litestar, path: str, browser: httpx.AsyncClient) -> AsyncIterator[EventStream]:
    """A GET of ``path`` with ``browser``'s cookies, its body read chunk by chunk; the client goes away
    when the block ends."""
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [
            (b"host", b"testserver"), (b"accept", b"text/event-stream"), (b"cookie", cookie.encode()),
        ],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    requested, gone = False, asyncio.Event()
    started: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    chunks: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.set_result(message["status"])
        elif message["type"] == "http.response.body":
            chunks.put_nowait(message.get("body", b""))
            if not message.get("more_body", False):
                chunks.put_nowait(None)

    serving = asyncio.create_task(app(scope, receive, send))  # type: ignore[arg-type]
    try:
        status = await asyncio.wait_for(asyncio.shield(started), 10)
        yield EventStream(status, chunks)
    finally:
        gone.set()
        try:
            await asyncio.wait_for(serving, 5)
        except TimeoutError:
            serving.cancel()
