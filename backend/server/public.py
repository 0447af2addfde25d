"""What anyone may open without logging in, outside the features' APIs: the PWA (its files, and its
index page at each screen's path), or, when no PWA is built, a short index of the service."""

from __future__ import annotations

from pathlib import Path

import msgspec
from litestar import Router, get

from backend.server.pwa_shell import pwa_routes
from backend.settings import Settings


class ServiceIndex(msgspec.Struct, frozen=True):
    name: str
    demo_mode: bool
    openapi: str
    readiness: str


def public_router(settings: Settings) -> Router:
    pwa_dir = Path(settings.pwa_dir)
    if (pwa_dir / "index.html").exists():
        return Router("/", route_handlers=pwa_routes(pwa_dir))

    @get("/", include_in_schema=False)
    async def index() -> ServiceIndex:
        return ServiceIndex(
            name="Citizen super app", demo_mode=settings.demo_mode, openapi="/schema", readiness="/readyz"
        )

    return Router("/", route_handlers=[index])
