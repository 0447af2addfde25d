"""Request and response shapes of notifications: citizens' devices, inbox and preferences; agencies'
templates, sends and campaigns; emergency-alert approvals; support staff's look-ups.

Their names are the OpenAPI document's schema names (``pwa/openapi.json``): renaming one is an API change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from backend.connectors.contract import EntitlementStatus
from backend.core.input import Input, NationalId
from backend.core.user_agents import DeviceWords

Urgency = Literal["normal", "high"]
TemplateKey = Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9-]{1,59}$")]
Params = Annotated[dict[str, Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=30)]
MessageLink = Annotated[str, msgspec.Meta(max_length=500, pattern="^(/|https://)")]
"""A path of the app, or an https link on one of the sending agency's approved link domains (sent as
the platform's leaving page, ``/leave/...``)."""
TtlSeconds = Annotated[int, msgspec.Meta(ge=0, le=2_419_200)]
IdempotencyKey = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]

# --- citizens: devices, inbox, preferences ------------------------------------------------------


class SubscriptionKeys(msgspec.Struct):
    p256dh: Annotated[str, msgspec.Meta(min_length=80, max_length=100, pattern="^[A-Za-z0-9_-]+$")]
    auth: Annotated[str, msgspec.Meta(min_length=16, max_length=30, pattern="^[A-Za-z0-9_-]+$")]


class NewSubscription(Input, forbid_unknown_fields=False):
    endpoint: Annotated[str, msgspec.Meta(max_length=2000)]
    keys: SubscriptionKeys


class DeviceView(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    push_service: str
    user_agent: str
    device: DeviceWords
    """The user agent in words (``Chrome`` on ``Android``), for the citizen's list of devices."""
    created_at: dt.datetime
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    healthy: bool
    """Why the last push failed stays with support: a detailed reason would let anyone who registers
    a device probe what its endpoint answers."""


class InboxItem(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    body_th: str | None
    body_en: str | None
    """Null once purged: NOTIFICATION_BODY_RETENTION_DAYS after sending, up to a month later (by month)."""
    url: str | None
    urgency: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    verification_code: str | None = None
    """Anyone holding the message can check it at /verify-message (none on messages sent before codes)."""


class InboxPage(msgspec.Struct, kw_only=True):
    items: list[InboxItem]
    unread: int
    next_cursor: str | None
    """Pass as ``cursor`` for the next (older) page; None on the last page. Opaque: its form may change."""


class Unread(msgspec.Struct, frozen=True):
    unread: int


class QuietHours(msgspec.Struct, forbid_unknown_fields=True):
    start: dt.time
    end: dt.time


class Preferences(Input, kw_only=True, forbid_unknown_fields=True):
    quiet_hours: QuietHours | None = None
    timezone: Annotated[str, msgspec.Meta(max_length=60)] = "Asia/Bangkok"
    opt_out_agencies: Annotated[list[int], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)
    opt_out_categories: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=40)]], msgspec.Meta(max_length=50)
    ] = msgspec.field(default_factory=list)


class MessageSender(msgspec.Struct, kw_only=True):
    id: int
    name_th: str
    name_en: str


class MutableCategory(msgspec.Struct, kw_only=True):
    key: str
    name_th: str
    name_en: str
    urgent_passes: bool
    """Urgent messages of this category (about the citizen's own money or safety) reach them anyway."""


class NotificationSources(msgspec.Struct, kw_only=True):
    """What a citizen can turn off in their notification settings."""

    agencies: list[MessageSender]
    categories: list[MutableCategory]


# --- agencies: templates, single messages, campaigns ----------------------------------------------


# The message categories named in Thai and English (notifications/categories.py names each, and a
# unit test keeps the two lists equal, but for the platform's own "delegation"): a template takes one of
# these, so a citizen's settings screen can offer to turn it off in words, never as an agency's own code.
TemplateCategory = Literal[
    "payments",
    "applications",
    "entitlements",
    "safety",
    "bills",
    "welfare",
    "health",
    "family",
    "education",
    "work",
    "tax",
    "utilities",
    "documents",
    "transport",
    "housing",
    "agriculture",
    "general",
]


class NewTemplate(Input, kw_only=True, forbid_unknown_fields=True):
    key: TemplateKey
    category: TemplateCategory
    title_th: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    title_en: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    body_th: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    body_en: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class TemplateView(msgspec.Struct, kw_only=True):
    """Also the stored template a message is rendered from."""

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


class NewNotification(Input, kw_only=True, forbid_unknown_fields=True):
    national_id: NationalId
    template: TemplateKey
    params: Params = msgspec.field(default_factory=dict)
    urgency: Urgency = "normal"
    ttl_seconds: TtlSeconds = 86_400
    url: MessageLink | None = None
    """Where a tap opens: a path of the app, or an https link on one of the agency's approved link
    domains, which the citizen reaches through the platform's leaving page."""
    idempotency_key: IdempotencyKey
    agency_id: int | None = None
    send_at: dt.datetime | None = None
    """When the message is sent: it reaches the inbox and devices then (now if absent or past)."""


NO_DEVICES = "no devices: the message is in the inbox only"
"""The reason of a message that reached the inbox of a citizen with no device to push to: its status
is ``permanent-failure`` (no push will ever be made), but for the sender it is not a failure."""


class NotificationStatus(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    status: str
    status_reason: str | None
    inbox_only: bool
    """In the citizen's inbox, with no device to push to (``NO_DEVICES``): not a failure to report."""
    created_at: dt.datetime
    deliveries: list[dict[str, str]]


class AgencyFollowers(msgspec.Struct, tag_field="kind", tag="agency-followers", forbid_unknown_fields=True):
    """Everyone who has a tile of this agency among their favourites."""


class TileFollowers(msgspec.Struct, tag_field="kind", tag="tile-followers", forbid_unknown_fields=True):
    tile_id: int


class AgeRange(msgspec.Struct, tag_field="kind", tag="age-range", forbid_unknown_fields=True):
    min_age: Annotated[int, msgspec.Meta(ge=0, le=150)]
    max_age: Annotated[int, msgspec.Meta(ge=0, le=150)]

    def __post_init__(self) -> None:
        if self.min_age > self.max_age:
            raise ValueError("min_age must not be above max_age")


class EntitlementState(msgspec.Struct, tag_field="kind", tag="entitlement-state", forbid_unknown_fields=True):
    """Citizens whose last answer from this agency's connectors put them in ``status`` (for one scheme,
    or any): e.g. everyone eligible but not enrolled, told before they ask."""

    status: EntitlementStatus
    scheme_id: Annotated[str, msgspec.Meta(pattern="^[a-z0-9][a-z0-9-]{0,63}$")] | None = None


Audience = AgencyFollowers | TileFollowers | AgeRange | EntitlementState


class Reach(Input, forbid_unknown_fields=True):
    audience: Audience


class AudienceSize(msgspec.Struct, kw_only=True):
    citizens: int
    """How many citizens the audience holds now (a campaign adds those who join before it is sent)."""


class NewCampaign(Input, kw_only=True, forbid_unknown_fields=True):
    audience: Audience
    template: TemplateKey
    params: Params = msgspec.field(default_factory=dict)
    urgency: Urgency = "normal"
    ttl_seconds: TtlSeconds = 86_400
    url: MessageLink | None = None
    """As a single message's ``url``."""
    send_at: dt.datetime | None = None
    """When to start; now if absent or past."""
    idempotency_key: IdempotencyKey
    agency_id: int | None = None


WAITING_STATUSES = ("created", "sending", "temporary-failure")
"""A message in one of these may still move (the console counts them as waiting)."""


class CampaignProgress(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    status: str
    """``scheduled``, ``expanding`` (recipients are being added) or ``expanded`` (all added)."""
    recipients: int
    counts: dict[str, int]
    """Messages by status: created, sending, delivered, permanent-failure, suppressed..."""
    inbox_only: int
    """Of the ``permanent-failure`` ones, those in the inbox of a citizen with no device (``NO_DEVICES``)."""
    send_at: dt.datetime | None
    created_at: dt.datetime
    expanded_at: dt.datetime | None


# --- platform admins: emergency alerts ----------------------------------------------------------


class NewEmergencyAlertApproval(Input, forbid_unknown_fields=True):
    agency_id: int
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class EmergencyAlertApprovalView(msgspec.Struct, frozen=True):
    id: int
    agency_id: int
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    granted_by: uuid.UUID | None
    granted_at: dt.datetime
    grant_reason: str
    revoked_by: uuid.UUID | None
    revoked_at: dt.datetime | None


# --- support staff ------------------------------------------------------------------------------

Status = Literal[
    "created",
    "sending",
    "delivered",
    "temporary-failure",
    "permanent-failure",
    "technical-failure",
    "cancelled",
    "suppressed",
]
MAX_SUPPORT_RESULTS = 100


class Search(Input, forbid_unknown_fields=True, kw_only=True):
    national_id: NationalId | None = None
    notification_id: uuid.UUID | None = None
    agency_id: int | None = None
    status: Status | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=MAX_SUPPORT_RESULTS)] = 50


class Found(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    citizen_id: uuid.UUID
    national_id_masked: str
    agency_id: int
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    urgency: str
    status: str
    status_reason: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    deleted_by_citizen: bool


class Attempt(msgspec.Struct, kw_only=True):
    attempt: int
    status_code: int | None
    outcome: str
    reason: str
    at: dt.datetime


class Delivery(msgspec.Struct, kw_only=True):
    id: int
    device_id: uuid.UUID | None
    push_service: str
    status: str
    updated_at: dt.datetime
    attempts: list[Attempt]


class Message(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    agency_id: int
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    body_th: str | None
    body_en: str | None
    urgency: str
    status: str
    status_reason: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    deleted_by_citizen: bool
    deliveries: list[Delivery]


class Device(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    push_service: str
    user_agent: str
    created_at: dt.datetime
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    last_failure_reason: str | None
    healthy: bool


class CitizenMessages(msgspec.Struct, kw_only=True):
    citizen_id: uuid.UUID
    national_id_masked: str
    devices: list[Device]
    messages: list[Message]


class ResendRequest(Input, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class Resent(msgspec.Struct, kw_only=True):
    notification_id: uuid.UUID
    deliveries: int


class FindCitizen(Input, forbid_unknown_fields=True):
    national_id: NationalId


class FoundCitizen(msgspec.Struct, kw_only=True):
    citizen_id: uuid.UUID
    national_id_masked: str
