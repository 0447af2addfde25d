"""HTTP surface of notifications: devices, the inbox, agencies' templates and sends."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import msgspec
from cryptography.hazmat.primitives import serialization
from litestar import Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from backend.core.crypto import b64url, is_valid_national_id
from backend.core.errors import BadRequest, Conflict, FieldError, InvalidInput, NotFound
from backend.core.links import refuse_foreign_link
from backend.core.principal import (
    Principal,
    agencies_of,
    require_agency_permission,
    require_person,
    require_platform_admin,
)
from backend.core.ratelimit import Bucket
from backend.core.resources import Resources
from backend.core.text import refuse_hidden_text
from backend.identity import queries as identity_queries
from backend.identity.service import Identity
from notifications import queries
from notifications import release as _release  # noqa: F401  (registers the login listener: held messages)
from notifications.campaigns import NewCampaign, TileFollowers, start_campaign
from notifications.delivery import vapid_key
from notifications.endpoints import endpoint_problem
from notifications.service import (
    NewNotification,
    NewTemplate,
    placeholders_of,
    require_category_allowed,
    send_to_citizen,
)


class SubscriptionKeys(msgspec.Struct):
    p256dh: Annotated[str, msgspec.Meta(min_length=80, max_length=100, pattern="^[A-Za-z0-9_-]+$")]
    auth: Annotated[str, msgspec.Meta(min_length=16, max_length=30, pattern="^[A-Za-z0-9_-]+$")]


class NewSubscription(msgspec.Struct, forbid_unknown_fields=False):
    endpoint: Annotated[str, msgspec.Meta(max_length=2000)]
    keys: SubscriptionKeys


class DeviceView(msgspec.Struct, kw_only=True):
    id: str
    push_service: str
    user_agent: str
    created_at: dt.datetime
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    healthy: bool
    """Why the last push failed stays with support: a detailed reason would let anyone who registers
    a device probe what its endpoint answers."""


class InboxItem(msgspec.Struct, kw_only=True):
    id: str
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    body_th: str | None
    body_en: str | None
    """Null once the text is purged, NOTIFICATION_BODY_RETENTION_DAYS after the message was sent."""
    url: str | None
    urgency: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class InboxPage(msgspec.Struct, kw_only=True):
    items: list[InboxItem]
    unread: int
    next_before: dt.datetime | None


class Unread(msgspec.Struct, frozen=True):
    unread: int


class TemplateView(msgspec.Struct, kw_only=True):
    id: int
    key: str
    version: int
    category: str
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    placeholders: list[str]
    created_at: dt.datetime


class NotificationStatus(msgspec.Struct, kw_only=True):
    id: str
    status: str
    status_reason: str | None
    created_at: dt.datetime
    deliveries: list[dict[str, str]]


def _device_view(row: dict[str, Any]) -> DeviceView:
    failed, succeeded = row["last_failure_at"], row["last_success_at"]
    return DeviceView(
        id=row["id"],
        push_service=urlsplit(row["endpoint"]).netloc,
        user_agent=row["user_agent"],
        created_at=row["created_at"],
        last_success_at=succeeded,
        last_failure_at=failed,
        healthy=failed is None or (succeeded is not None and succeeded > failed),
    )


def citizen_id_of(principal: Principal) -> str:
    person = require_person(principal)
    assert person.citizen_id is not None
    return person.citizen_id


@get("/api/v1/push/vapid-public-key", tags=["notifications"], summary="The key to subscribe to pushes with")
async def vapid_public_key(resources: NamedDependency[Resources]) -> dict[str, str]:
    public = vapid_key(resources.settings.vapid_private_key).public_key
    raw = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"public_key": b64url(raw)}


@post(
    "/api/v1/push/subscriptions",
    tags=["notifications"],
    summary="Register this device for pushes",
    status_code=HTTP_201_CREATED,
)
async def subscribe(
    request: Request[Any, Any, Any],
    data: Annotated[NewSubscription, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> DeviceView:
    citizen_id = citizen_id_of(principal)
    if (problem := endpoint_problem(data.endpoint, resources.settings)) is not None:
        raise InvalidInput(errors=[FieldError(field="endpoint", message=problem)])
    row = await queries.upsert_subscription(
        resources.pool,
        citizen_id=citizen_id,
        endpoint=data.endpoint,
        p256dh=data.keys.p256dh,
        auth=data.keys.auth,
        user_agent=request.headers.get("user-agent", "")[:300],
    )
    return _device_view(row)


@get(
    "/api/v1/push/subscriptions",
    tags=["notifications"],
    summary="The citizen's devices and whether each is healthy",
)
async def devices(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> list[DeviceView]:
    return [
        _device_view(row) for row in await queries.subscriptions(resources.pool, citizen_id_of(principal))
    ]


@delete(
    "/api/v1/push/subscriptions/{subscription_id:uuid}",
    tags=["notifications"],
    summary="Stop pushes to a device",
    status_code=HTTP_204_NO_CONTENT,
)
async def unsubscribe(
    subscription_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> None:
    if not await queries.delete_subscription(resources.pool, citizen_id_of(principal), str(subscription_id)):
        raise NotFound("No such device.")


@get("/api/v1/inbox", tags=["notifications"], summary="The inbox, newest first (before= pages back)")
async def inbox(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    before: FromQuery[dt.datetime | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> InboxPage:
    citizen_id = citizen_id_of(principal)
    rows = await queries.inbox(resources.pool, citizen_id, before, limit + 1)
    items = [msgspec.convert(row, InboxItem) for row in rows[:limit]]
    return InboxPage(
        items=items,
        unread=await queries.unread_count(resources.pool, citizen_id),
        next_before=items[-1].created_at if len(rows) > limit else None,
    )


@get("/api/v1/inbox/unread-count", tags=["notifications"], summary="How many messages are unread")
async def unread(principal: NamedDependency[Principal], resources: NamedDependency[Resources]) -> Unread:
    return Unread(unread=await queries.unread_count(resources.pool, citizen_id_of(principal)))


@post(
    "/api/v1/inbox/{notification_id:uuid}/read",
    tags=["notifications"],
    summary="Mark a message read",
    status_code=HTTP_204_NO_CONTENT,
)
async def read(
    notification_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> None:
    if not await queries.mark_read(resources.pool, citizen_id_of(principal), str(notification_id)):
        raise NotFound("No such message.")


@delete(
    "/api/v1/inbox/{notification_id:uuid}",
    tags=["notifications"],
    summary="Delete a message from the inbox",
    status_code=HTTP_204_NO_CONTENT,
)
async def remove(
    notification_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> None:
    if not await queries.delete_notification(resources.pool, citizen_id_of(principal), str(notification_id)):
        raise NotFound("No such message.")


@post(
    "/api/v1/agency/{agency_id:int}/notification-templates",
    tags=["agency"],
    summary="A new version of a message template",
    status_code=HTTP_201_CREATED,
)
async def add_template(
    agency_id: FromPath[int],
    data: Annotated[NewTemplate, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> TemplateView:
    refuse_hidden_text(data)
    require_agency_permission(principal, agency_id, "notifications")
    await require_category_allowed(resources.pool, agency_id, data.category, "category")
    fields = {**msgspec.structs.asdict(data), "placeholders": placeholders_of(data)}
    return msgspec.convert(
        await queries.add_template(resources.pool, agency_id, fields, principal.citizen_id), TemplateView
    )


@get(
    "/api/v1/agency/{agency_id:int}/notification-templates",
    tags=["agency"],
    summary="The agency's message templates, the latest version of each",
)
async def list_templates(
    agency_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> list[TemplateView]:
    require_agency_permission(principal, agency_id, "notifications")
    return [
        msgspec.convert(row, TemplateView)
        for row in await queries.latest_templates(resources.pool, agency_id)
    ]


async def _sending_agency(
    principal: Principal, identity: Identity, resources: Resources, agency_id: int | None
) -> int:
    """The agency a send is for (the caller's only one if unnamed), once it is within its rate limit."""
    if agency_id is None:
        mine = agencies_of(principal)
        if len(mine) != 1:
            raise BadRequest("Say which agency sends this message (agency_id).")
        agency_id = next(iter(mine))
    require_agency_permission(principal, agency_id, "notifications")
    per_minute = resources.settings.agency_sends_per_minute
    await identity.limiter.take(
        Bucket("agency-sends", capacity=per_minute, per_second=per_minute / 60),
        str(agency_id),
        f"This agency may send {per_minute} messages a minute; wait, then send the rest.",
    )
    return agency_id


async def _template(resources: Resources, agency_id: int, key: str) -> dict[str, Any]:
    template = await queries.latest_template(resources.pool, agency_id, key)
    if template is None:
        raise InvalidInput(
            errors=[FieldError(field="template", message="no template with this key at this agency")]
        )
    return template


@post(
    "/api/v1/agency/notifications",
    tags=["agency"],
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
    refuse_hidden_text(data)
    refuse_foreign_link(data.url, "url")
    agency_id = await _sending_agency(principal, identity, resources, data.agency_id)
    if not is_valid_national_id(data.national_id):
        raise InvalidInput(
            errors=[FieldError(field="national_id", message="is not a valid 13-digit national ID")]
        )
    template = await _template(resources, agency_id, data.template)
    # Whether this person has used the app is never part of the answer (see send_to_citizen).
    notification_id, created = await send_to_citizen(
        resources.pool,
        resources.queue,
        agency_id=agency_id,
        national_id_hash=identity.cipher.lookup_hash(data.national_id),
        template=template,
        request=data,
    )
    status = await queries.notification_status(resources.pool, agency_id, notification_id)
    assert status is not None
    return Response(
        msgspec.convert(status, NotificationStatus), status_code=HTTP_201_CREATED if created else HTTP_200_OK
    )


@get(
    "/api/v1/agency/{agency_id:int}/notifications/{notification_id:uuid}",
    tags=["agency"],
    summary="A message's delivery status",
)
async def notification_status(
    agency_id: FromPath[int],
    notification_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> NotificationStatus:
    require_agency_permission(principal, agency_id, "notifications")
    status = await queries.notification_status(resources.pool, agency_id, str(notification_id))
    if status is None:
        raise NotFound("No such message from this agency.")
    return msgspec.convert(status, NotificationStatus)


class CampaignProgress(msgspec.Struct, kw_only=True):
    id: str
    status: str
    """``scheduled``, ``expanding`` (recipients are being added) or ``expanded`` (all added)."""
    recipients: int
    counts: dict[str, int]
    """Messages by status: created, sending, delivered, permanent-failure, suppressed..."""
    send_at: dt.datetime | None
    created_at: dt.datetime
    expanded_at: dt.datetime | None


def _progress(row: dict[str, Any]) -> CampaignProgress:
    return msgspec.convert(row, CampaignProgress)


@post(
    "/api/v1/agency/notification-campaigns",
    tags=["agency"],
    summary="Send a message to an audience: the agency's followers, a tile's followers or an age range",
    status_code=HTTP_202_ACCEPTED,
)
async def start_campaign_route(
    data: Annotated[NewCampaign, msgspec.Meta()],
    principal: NamedDependency[Principal],
    identity: NamedDependency[Identity],
    resources: NamedDependency[Resources],
) -> Response[CampaignProgress]:
    refuse_hidden_text(data)
    refuse_foreign_link(data.url, "url")
    agency_id = await _sending_agency(principal, identity, resources, data.agency_id)
    if isinstance(data.audience, TileFollowers) and not await queries.tile_belongs_to(
        resources.pool, data.audience.tile_id, agency_id
    ):
        raise InvalidInput(
            errors=[FieldError(field="audience.tile_id", message="is not a tile of this agency")]
        )
    template = await _template(resources, agency_id, data.template)
    campaign_id, created = await start_campaign(
        resources.pool,
        resources.queue,
        agency_id=agency_id,
        template=template,
        request=data,
        created_by=principal.citizen_id,
    )
    progress = await queries.campaign_progress(resources.pool, agency_id, campaign_id)
    assert progress is not None
    return Response(_progress(progress), status_code=HTTP_202_ACCEPTED if created else HTTP_200_OK)


@get(
    "/api/v1/agency/{agency_id:int}/notification-campaigns/{campaign_id:uuid}",
    tags=["agency"],
    summary="A campaign's progress, live: recipients so far and their messages by status",
)
async def campaign_progress(
    agency_id: FromPath[int],
    campaign_id: FromPath[Any],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> CampaignProgress:
    require_agency_permission(principal, agency_id, "notifications")
    progress = await queries.campaign_progress(resources.pool, agency_id, str(campaign_id))
    if progress is None:
        raise NotFound("No such campaign at this agency.")
    return _progress(progress)


class NewEmergencyAlertApproval(msgspec.Struct, forbid_unknown_fields=True):
    agency_id: int
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class EmergencyAlertApprovalView(msgspec.Struct, frozen=True):
    id: int
    agency_id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    granted_by: str | None
    granted_at: dt.datetime
    grant_reason: str
    revoked_by: str | None
    revoked_at: dt.datetime | None


@get(
    "/api/v1/admin/emergency-alert-approvals",
    tags=["administration"],
    summary="Agencies approved to send emergency alerts (and past approvals)",
)
async def list_emergency_alert_approvals(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    include_revoked: FromQuery[bool] = False,
) -> list[EmergencyAlertApprovalView]:
    require_platform_admin(principal)
    rows = await queries.emergency_alert_approvals(resources.pool, include_revoked=include_revoked)
    return [msgspec.convert(row, EmergencyAlertApprovalView) for row in rows]


@post(
    "/api/v1/admin/emergency-alert-approvals",
    tags=["administration"],
    summary="Approve an agency to send emergency alerts (categories payments and safety, which pass "
    "citizens' opt-outs and quiet hours when urgent)",
    status_code=HTTP_201_CREATED,
)
async def approve_emergency_alerts(
    data: Annotated[NewEmergencyAlertApproval, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> EmergencyAlertApprovalView:
    refuse_hidden_text(data)
    admin = require_platform_admin(principal)
    status = await identity_queries.agency_status(resources.pool, data.agency_id)
    if status is None:
        raise NotFound("No such agency.")
    if status != "approved":
        raise Conflict("The agency must be approved before it can send emergency alerts.")
    approval_id = await queries.approve_emergency_alerts(
        resources.pool, data.agency_id, admin.citizen_id, data.reason
    )
    if approval_id is None:
        raise Conflict("This agency is approved for emergency alerts already.")
    rows = await queries.emergency_alert_approvals(resources.pool, include_revoked=False)
    return msgspec.convert(next(row for row in rows if row["id"] == approval_id), EmergencyAlertApprovalView)


@delete(
    "/api/v1/admin/emergency-alert-approvals/{approval_id:int}",
    tags=["administration"],
    summary="Revoke an agency's approval for emergency alerts (kept, closed; effective at once)",
    status_code=HTTP_204_NO_CONTENT,
)
async def revoke_emergency_alerts(
    approval_id: FromPath[int],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> None:
    admin = require_platform_admin(principal)
    if not await queries.revoke_emergency_alerts(resources.pool, approval_id, admin.citizen_id):
        raise NotFound("No such active approval.")


class QuietHours(msgspec.Struct, forbid_unknown_fields=True):
    start: dt.time
    end: dt.time


class Preferences(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    quiet_hours: QuietHours | None = None
    timezone: Annotated[str, msgspec.Meta(max_length=60)] = "Asia/Bangkok"
    opt_out_agencies: Annotated[list[int], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)
    opt_out_categories: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=50)
    ] = msgspec.field(default_factory=list)


@get("/api/v1/me/notification-preferences", tags=["notifications"], summary="Quiet hours and opt-outs")
async def get_preferences(
    principal: NamedDependency[Principal], resources: NamedDependency[Resources]
) -> Preferences:
    row = await queries.preferences(resources.pool, citizen_id_of(principal))
    if row is None:
        return Preferences()
    quiet = QuietHours(start=row["quiet_start"], end=row["quiet_end"]) if row["quiet_start"] else None
    return Preferences(
        quiet_hours=quiet,
        timezone=row["timezone"],
        opt_out_agencies=list(row["opt_out_agencies"]),
        opt_out_categories=list(row["opt_out_categories"]),
    )


@put(
    "/api/v1/me/notification-preferences",
    tags=["notifications"],
    summary="Set quiet hours and opt-outs (urgent messages about your own money or safety still reach you)",
)
async def set_preferences(
    data: Annotated[Preferences, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
) -> Preferences:
    try:
        ZoneInfo(data.timezone)
    except (ValueError, KeyError) as exc:
        raise InvalidInput(errors=[FieldError(field="timezone", message="is not a known time zone")]) from exc
    if data.quiet_hours is not None and data.quiet_hours.start == data.quiet_hours.end:
        raise InvalidInput(errors=[FieldError(field="quiet_hours", message="start and end must differ")])
    await queries.save_preferences(
        resources.pool,
        citizen_id_of(principal),
        {
            "quiet_start": data.quiet_hours.start if data.quiet_hours else None,
            "quiet_end": data.quiet_hours.end if data.quiet_hours else None,
            "timezone": data.timezone,
            "opt_out_agencies": sorted(set(data.opt_out_agencies)),
            "opt_out_categories": sorted(set(data.opt_out_categories)),
        },
    )
    return data


NOTIFICATION_ROUTES = [
    get_preferences, set_preferences,
    vapid_public_key, subscribe, devices, unsubscribe, inbox, unread, read, remove,
    add_template, list_templates, send,
    notification_status, start_campaign_route, campaign_progress,
    list_emergency_alert_approvals, approve_emergency_alerts, revoke_emergency_alerts,
]  # fmt: skip
