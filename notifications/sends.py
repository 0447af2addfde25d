"""An agency's side of single messages: its templates, a message to one citizen, and that message's
status. The routes are ``notifications.api.agency``; the send itself is ``service.send_to_citizen``.

A send names its agency in the body (or is the caller's only one), so the router lets any agency member
through and ``sending_agency`` checks the permission for that agency, then its rate limit.
"""

from __future__ import annotations

import uuid

import msgspec

from backend.core.errors import BadRequest, NotFound, invalid
from backend.core.links import (
    NOT_OWN_DOMAIN,
    leave_path,
    link_host,
    on_domains,
    outside_link_problem,
    refuse_foreign_link,
)
from backend.core.principal import Principal, agencies_of, require_agency_permission
from backend.core.ratelimit import Bucket
from backend.core.resources import Resources
from backend.identity.service import Identity
from notifications.queries import messages, templates
from notifications.schemas import NewNotification, NewTemplate, NotificationStatus, TemplateView
from notifications.service import placeholders_of, require_category_allowed, send_to_citizen


async def add_template(
    resources: Resources, agency_id: int, data: NewTemplate, created_by: uuid.UUID | None
) -> TemplateView:
    """A new version of the template with this key (the first when there is none)."""
    await require_category_allowed(resources.pool, agency_id, data.category, "category")
    return await templates.add_template(resources.pool, agency_id, data, placeholders_of(data), created_by)


async def latest_templates(resources: Resources, agency_id: int) -> list[TemplateView]:
    return await templates.latest_templates(resources.pool, agency_id)


async def sending_agency(
    principal: Principal, identity: Identity, resources: Resources, agency_id: int | None
) -> int:
    """The agency a send is for (the caller's only one if unnamed), once the caller may send for it and
    it is within its rate limit."""
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


def check_link(url: str | None) -> None:
    """400 naming ``url`` unless it is a plain path of the app or a well-formed https link."""
    if url is None:
        return
    if url.startswith("https://"):
        if (problem := outside_link_problem(url)) is not None:
            raise invalid("url", problem)
    else:
        refuse_foreign_link(url, "url")


async def message_link(resources: Resources, agency_id: int, url: str | None) -> str | None:
    """What a message carries as its link: a path of the app as it is; an agency's own page as the
    platform's leaving page, and only on a link domain a platform admin approved for this agency (a
    message from the platform must not lead a citizen to a site the agency does not answer for)."""
    if url is None or not url.startswith("https://"):
        return url
    domains = await messages.approved_link_domains(resources.pool, agency_id)
    if not on_domains(link_host(url), domains):
        raise invalid("url", NOT_OWN_DOMAIN)
    return leave_path(resources.settings.secret_key, agency_id, url)


async def template_for(resources: Resources, agency_id: int, key: str) -> TemplateView:
    template = await templates.latest_template(resources.pool, agency_id, key)
    if template is None:
        raise invalid("template", "no template with this key at this agency")
    return template


async def send(
    resources: Resources, identity: Identity, principal: Principal, data: NewNotification
) -> tuple[NotificationStatus, bool]:
    """(the message's status, created now): a repeated idempotency key gives the first message back."""
    check_link(data.url)
    agency_id = await sending_agency(principal, identity, resources, data.agency_id)
    template = await template_for(resources, agency_id, data.template)
    # Stored, pushed and sealed as the platform's own address; the same for a retried request.
    data = msgspec.structs.replace(data, url=await message_link(resources, agency_id, data.url))
    # Whether this person has used the app is never part of the answer (see send_to_citizen).
    notification_id, created = await send_to_citizen(
        resources.pool,
        resources.queue,
        agency_id=agency_id,
        national_id_hash=identity.cipher.lookup_hash(data.national_id),
        template=template,
        request=data,
    )
    status = await messages.notification_status(resources.pool, agency_id, notification_id)
    assert status is not None
    return status, created


async def notification_status(
    resources: Resources, agency_id: int, notification_id: uuid.UUID
) -> NotificationStatus:
    status = await messages.notification_status(resources.pool, agency_id, notification_id)
    if status is None:
        raise NotFound("No such message from this agency.")
    return status
