"""Anyone: the key a browser subscribes to pushes with (asked before login, to set up a device)."""

from __future__ import annotations

from litestar import Router, get
from litestar.di import NamedDependency

from backend.core.resources import Resources
from notifications import inbox


@get("/vapid-public-key", summary="The key to subscribe to pushes with")
async def vapid_public_key(resources: NamedDependency[Resources]) -> dict[str, str]:
    return inbox.vapid_public_key(resources)


router = Router("/api/v1/push", tags=["notifications"], route_handlers=[vapid_public_key])
