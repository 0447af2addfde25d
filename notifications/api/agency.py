"""Agency staff and systems: message templates, messages to one citizen, campaigns and their status.

Two routers: routes under the agency's path are guarded by ``agency_may("notifications")``; a send or
a campaign names its agency in the body (or is the caller's only one), so its router lets agency
members through and ``sends.sending_agency`` checks the permission for that agency.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from backend.core.guards import agency_may, agency_member
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.identity.service import Identity
from notifications import campaigns, live, sends
from notifications.live import CampaignMoves
from notifications.schemas import (
    AudienceSize,
    CampaignProgress,
    NewCampaign,
    NewNotification,
    NewTemplate,
    NotificationStatus,
    Reach,
    TemplateView,
)


@post("/notification-templates", summary="A new version of a message template", status_code=HTTP_201_CREATED)
async def add_template(
    agency_id: FromPath[int],
    data: Annotated[NewTemplate, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> TemplateView:
    return await sends.add_template(resources, agency_id, data, principal.citizen_id)


@get("/notification-templates", summary="The agency's message templates, the latest version of each")
async def list_templates(
    agency_id: FromPath[int], resources: NamedDependency[Resources]
) -> list[TemplateView]:
    return await sends.latest_templates(resources, agency_id)


@get("/notifications/{notification_id:uuid}", summary="A message's delivery status")
async def notification_status(
    agency_id: FromPath[int], notification_id: FromPath[Any], resources: NamedDependency[Resources]
) -> NotificationStatus:
    return await sends.notification_status(resources, agency_id, notification_id)


@get(
    "/notification-campaigns/{campaign_id:uuid}",
    summary="A campaign's progress, live: recipients so far and their messages by status",
)
async def campaign_progress(
    agency_id: FromPath[int], campaign_id: FromPath[Any], resources: NamedDependency[Resources]
) -> CampaignProgress:
    return await campaigns.progress(resources, agency_id, campaign_id)


@get(
    "/notification-campaigns/{campaign_id:uuid}/live",
    summary="Server-sent events: a campaign's progress as it moves (no polling), until nothing waits",
)
async def campaign_progress_live(
    agency_id: FromPath[int],
    campaign_id: FromPath[uuid.UUID],
    resources: NamedDependency[Resources],
    campaign_moves: NamedDependency[CampaignMoves],
) -> ServerSentEvent:
    moving = await live.watch(resources, campaign_moves, agency_id, campaign_id)
    return ServerSentEvent(moving, event_type="progress")


@post(
    "/notification-campaigns/reach",
    summary="How many citizens an audience holds now (the number a campaign's sender confirms)",
    status_code=HTTP_200_OK,
)
async def campaign_reach(
    agency_id: FromPath[int], data: Annotated[Reach, msgspec.Meta()], resources: NamedDependency[Resources]
) -> AudienceSize:
    return await campaigns.reach(resources, agency_id, data.audience)


@post(
    "/notifications",
    summary="Send a message to one citizen (inbox first, then a push; held for their first login if "
    "they have not used the app yet)",
    status_code=HTTP_201_CREATED,
)
async def send(
    data: Annotated[NewNotification, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[NotificationStatus]:
    status, created = await sends.send(resources, identity, principal, data)
    return Response(status, status_code=HTTP_201_CREATED if created else HTTP_200_OK)


@post(
    "/notification-campaigns",
    summary="Send a message to an audience: the agency's followers, a tile's followers or an age range",
    status_code=HTTP_202_ACCEPTED,
)
async def start_campaign_route(
    data: Annotated[NewCampaign, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[CampaignProgress]:
    progress, created = await campaigns.start(resources, identity, principal, data)
    return Response(progress, status_code=HTTP_202_ACCEPTED if created else HTTP_200_OK)


router = Router(
    "/api/v1/agency/{agency_id:int}",
    guards=[agency_may("notifications")],
    tags=["agency"],
    route_handlers=[
        add_template,
        list_templates,
        notification_status,
        campaign_progress,
        campaign_progress_live,
        campaign_reach,
    ],
)
senders = Router(
    "/api/v1/agency",
    guards=[agency_member],
    tags=["agency"],
    route_handlers=[send, start_campaign_route],
)
