"""Citizens: their devices (push subscriptions), their inbox and their notification preferences.
Guarded on the router: a person logged in with their digital ID; each route acts on the caller's own."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Router, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from backend.core.guards import person
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from notifications import categories
from notifications import inbox as inbox_service
from notifications.schemas import (
    DeviceView,
    InboxPage,
    NewSubscription,
    NotificationSources,
    Preferences,
    Unread,
)


@post("/push/subscriptions", summary="Register this device for pushes", status_code=HTTP_201_CREATED)
async def subscribe(
    request: Request[Any, Any, Any],
    data: Annotated[NewSubscription, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> DeviceView:
    return await inbox_service.subscribe(
        resources, citizen_of(principal), data, request.headers.get("user-agent", "")
    )


@get("/push/subscriptions", summary="The citizen's devices and whether each is healthy")
async def devices(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[DeviceView]:
    return await inbox_service.my_devices(resources, citizen_of(principal))


@delete(
    "/push/subscriptions/{subscription_id:uuid}",
    summary="Stop pushes to a device",
    status_code=HTTP_204_NO_CONTENT,
)
async def unsubscribe(
    subscription_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> None:
    await inbox_service.unsubscribe(resources, citizen_of(principal), subscription_id)


@get("/inbox", summary="The inbox, newest first (cursor= pages back)")
async def inbox(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    cursor: FromQuery[str | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> InboxPage:
    return await inbox_service.inbox_page(resources, citizen_of(principal), cursor, limit)


@get("/inbox/unread-count", summary="How many messages are unread")
async def unread(principal: NamedDependency[Principal], resources: NamedDependency[Resources]) -> Unread:
    return await inbox_service.unread(resources, citizen_of(principal))


@post("/inbox/{notification_id:uuid}/read", summary="Mark a message read", status_code=HTTP_204_NO_CONTENT)
async def read(
    notification_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> None:
    await inbox_service.mark_read(resources, citizen_of(principal), notification_id)


@delete(
    "/inbox/{notification_id:uuid}",
    summary="Delete a message from the inbox",
    status_code=HTTP_204_NO_CONTENT,
)
async def remove(
    notification_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> None:
    await inbox_service.remove(resources, citizen_of(principal), notification_id)


@post(
    "/inbox/{notification_id:uuid}/restore",
    summary="Undo deleting a message",
    status_code=HTTP_204_NO_CONTENT,
)
async def restore(
    notification_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> None:
    await inbox_service.restore(resources, citizen_of(principal), notification_id)


@get("/me/notification-preferences", summary="Quiet hours and opt-outs")
async def get_preferences(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> Preferences:
    return await inbox_service.preferences(resources, citizen_of(principal))


@get("/me/notification-sources", summary="The agencies and message categories the citizen can turn off")
async def notification_sources(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> NotificationSources:
    return await categories.notification_sources(resources, citizen_of(principal))


@put(
    "/me/notification-preferences",
    summary="Set quiet hours and opt-outs (urgent messages about your own money or safety still reach you)",
)
async def set_preferences(
    data: Annotated[Preferences, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Preferences:
    return await inbox_service.set_preferences(resources, citizen_of(principal), data)


router = Router(
    "/api/v1",
    guards=[person],
    tags=["notifications"],
    route_handlers=[
        get_preferences, set_preferences, notification_sources, subscribe, devices, unsubscribe, inbox,
        unread, read, remove, restore,
    ],
)  # fmt: skip
