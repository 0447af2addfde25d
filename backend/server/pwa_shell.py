"""Serves the PWA built into ``pwa/dist``: its files, and its index page at each screen's path, so
that a reload or a push's link (``/inbox``, ``/bills``...) opens the app at that screen. Vite's
hashed assets may be cached for a year; the index page is revalidated each time so that a new
version is found (the service worker script is always checked by the browser itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException, NotFoundException
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler, ExceptionHandler

from backend.core.errors import EXCEPTION_HANDLERS

SCREENS = (
    "/entitlements", "/bills", "/inbox", "/settings", "/data-access", "/console", "/applications", "/wallet",
    "/verify", "/verify-message",
    # Screens of one thing: an application tile's form, an application, a document, a share link
    # someone was given, a verification code. The app reads the rest of the path itself.
    "/apply/{key:str}", "/applications/{key:str}", "/wallet/{key:str}", "/shared/{key:str}",
    "/entitlements/consent/{key:str}",
    "/verify/{key:str}", "/verify/receipt/{key:str}", "/m/{key:str}",
    "/programmes", "/programmes/{key:str}",  # programmes open for registration; one's waiting room
    "/leave/{key:str}",  # the page a link inside a message opens before leaving for an agency's site
    "/apply/{key:str}/{step:str}",  # an application's form and its "check your answers" page
    "/login-problem",  # where a browser is sent when a login could not go on (core/login_navigation.py)
)  # fmt: skip
_HASHED_FOREVER = CacheControlHeader(max_age=31_536_000, public=True)


def pwa_routes(dist: Path) -> list[ControllerRouterHandler]:
    index_html = dist / "index.html"

    @get(list(SCREENS), include_in_schema=False)
    async def screen() -> Response[bytes]:  # the path parameter, when there is one, is the app's to read
        return Response(
            index_html.read_bytes(),
            media_type="text/html; charset=utf-8",
            headers={"Cache-Control": "no-cache"},
        )

    return [
        screen,
        create_static_files_router(
            "/assets", directories=[dist / "assets"], name="pwa-assets", cache_control=_HASHED_FOREVER
        ),
        create_static_files_router("/", directories=[dist], html_mode=True, name="pwa"),
    ]


def page_not_found_handler(dist: Path) -> ExceptionHandler[NotFoundException]:
    """A browser asking for an address that is no screen gets the app with status 404, so that a
    person sees the app's own page-not-found (in their language, with the way home and to help); API
    callers and everything else keep the RFC 9457 problem."""
    index_html = dist / "index.html"
    problem = EXCEPTION_HANDLERS[HTTPException]

    def handler(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
        wants_page = request.method in ("GET", "HEAD") and "text/html" in request.headers.get("accept", "")
        if wants_page and not request.url.path.startswith("/api/") and index_html.exists():
            return Response(
                index_html.read_bytes(),
                status_code=404,
                media_type="text/html; charset=utf-8",
                headers={"Cache-Control": "no-cache"},
            )
        return problem(request, exc)

    return handler
