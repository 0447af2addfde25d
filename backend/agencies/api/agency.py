"""Agency staff and systems: their agency's webhook. Guarded on the router: staff of the path's agency
with the bills permission (or its system with the ``bills`` scope)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Response, Router, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath

from backend.agencies import service
from backend.agencies.schemas import NewWebhook, WebhookSecret, WebhookView
from backend.core.guards import agency_may
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity


@put(
    "/webhook",
    summary="Where to tell the agency of payments, refunds and message statuses (a new secret each time)",
)
async def set_webhook(
    agency_id: FromPath[int],
    data: Annotated[NewWebhook, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[WebhookSecret]:
    registered = await service.register_webhook(
        resources, identity.cipher, agency_id, data, principal.citizen_id
    )
    return Response(registered, headers={"Cache-Control": "no-store"})


@get("/webhook", summary="The agency's webhook and its latest deliveries")
async def get_webhook(agency_id: FromPath[int], resources: NamedDependency[Resources]) -> WebhookView:
    return await service.webhook_view(resources, agency_id)


router = Router(
    "/api/v1/agency/{agency_id:int}",
    guards=[agency_may("bills")],
    tags=["agencies"],
    route_handlers=[set_webhook, get_webhook],
)
