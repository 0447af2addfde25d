"""Delegation's shapes: the fixed list of scopes (each in plain Thai and English words), what a citizen
sends to grant, renew or end, the rows, and what the citizen's screen shows."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from backend.core.input import Input, NationalId

Scope = Literal["entitlements", "bills", "messages", "applications", "documents"]
DelegationStatus = Literal["invited", "active", "declined", "ended"]
EventKind = Literal["invited", "accepted", "declined", "ended", "renewed", "confirmed", "registry_ended"]
DelegationKind = Literal["chosen", "parent", "guardian", "assisted"]
"""Chosen: invited and accepted. Parent, guardian: confirmed by a registry (``family``), no acceptance.
Assisted: counter staff helping at a service point for one hour (``assisted``)."""

# In the order the screen offers them; the words the grantor and the delegate read.
SCOPE_WORDS: dict[Scope, tuple[str, str]] = {
    "entitlements": ("ดูสิทธิ์และสวัสดิการของฉัน", "see my entitlements"),
    "bills": ("ดูและชำระบิลของฉัน", "see and pay my bills"),
    "messages": ("อ่านข้อความของฉัน", "read my messages"),
    "applications": ("ยื่นคำขอและตอบหน่วยงานแทนฉัน", "apply for services and reply to agencies"),
    "documents": ("ดูและแชร์เอกสารของฉัน", "see my documents and share them"),
}

Reason = Annotated[str, msgspec.Meta(max_length=300)]
Scopes = Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=5)]


class NewDelegation(Input, kw_only=True, forbid_unknown_fields=True):
    national_id: NationalId
    """The person who will act for the caller: they must have logged in to the app once."""
    scopes: Scopes
    ends_on: dt.date
    """The last day it holds: after today, at most one year away."""
    reason: Reason = ""


class Renewal(Input, kw_only=True, forbid_unknown_fields=True):
    ends_on: dt.date
    scopes: Scopes | None = None
    """Unchanged when left out."""
    reason: Reason = ""


class Ending(Input, kw_only=True, forbid_unknown_fields=True):
    reason: Reason = ""


class NewFamilyGrant(Input, kw_only=True, forbid_unknown_fields=True):
    """A parent adds their child under 15, or a guardian their ward (confirmed by a registry)."""

    relationship: Literal["parent", "guardian"]
    national_id: NationalId
    """The child's or ward's."""
    birthdate: dt.date
    """The child's, as the registry has it: it must match."""


class DelegationRow(msgspec.Struct, kw_only=True, frozen=True):
    id: uuid.UUID
    kind: DelegationKind = "chosen"
    grantor_id: uuid.UUID
    delegate_id: uuid.UUID
    scopes: list[str]
    status: DelegationStatus
    ends_on: dt.date
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    ended_at: dt.datetime | None
    grantor_name_th: str | None
    grantor_name_en: str | None
    delegate_name_th: str | None
    delegate_name_en: str | None
    ends_at: dt.datetime | None = None
    service_point: str | None = None


class ScopeView(msgspec.Struct, frozen=True):
    key: Scope
    label_th: str
    label_en: str


class PersonView(msgspec.Struct, frozen=True):
    name_th: str
    name_en: str


class DelegationEventView(msgspec.Struct, frozen=True):
    at: dt.datetime
    kind: EventKind
    by_me: bool
    reason: str | None
    ends_on: dt.date


class DelegationView(msgspec.Struct, kw_only=True, frozen=True):
    id: uuid.UUID
    kind: DelegationKind = "chosen"
    """Parent or guardian: confirmed by a registry, not renewed by hand (``ends_on`` is the rule's).
    Assisted: counter staff for an hour (``ends_at``, ``service_point``)."""
    direction: Literal["given", "received"]
    """Given: the caller lets ``other`` act for them. Received: ``other`` lets the caller act for them."""
    other: PersonView
    scopes: list[ScopeView]
    status: DelegationStatus
    ends_on: dt.date
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    ended_at: dt.datetime | None
    events: list[DelegationEventView]
    ends_at: dt.datetime | None = None
    """An assisted grant's last moment (a request's: when it lapses unconfirmed)."""
    service_point: str | None = None
    """Where the counter staff member helps (assisted grants only)."""


class Delegations(msgspec.Struct, frozen=True):
    given: list[DelegationView]
    received: list[DelegationView]
    scopes: list[ScopeView]
    """Every scope that may be granted, in the order to offer them."""
    latest_end: dt.date
    """The furthest end date a grant made today may have."""


class SupportDelegationView(msgspec.Struct, kw_only=True, frozen=True):
    id: uuid.UUID
    direction: Literal["given", "received"]
    """Given: ``other`` acts for the citizen. Received: the citizen acts for ``other``."""
    kind: DelegationKind
    other_name_th: str
    other_name_en: str
    other_national_id_masked: str
    scopes: list[ScopeView]
    status: DelegationStatus
    ends_on: dt.date


class SupportDelegations(msgspec.Struct, kw_only=True, frozen=True):
    national_id_masked: str
    delegations: list[SupportDelegationView]


# --- assisted mode at a counter (backend/delegation/assisted.py) ------------------------------------

ServicePoint = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
"""Where the counter staff member helps, as the citizen will read it ("สำนักงานเขตบางรัก ช่อง 3")."""


class AssistAsk(Input, kw_only=True, forbid_unknown_fields=True):
    """Counter staff ask a citizen, by national ID, to let them help; the citizen confirms on their phone."""

    national_id: NationalId
    service_point: ServicePoint


class AssistCodeEntry(Input, kw_only=True, forbid_unknown_fields=True):
    """Counter staff type the code the citizen read out: help starts at once."""

    national_id: NationalId
    code: Annotated[str, msgspec.Meta(pattern="^[0-9]{6}$")]
    service_point: ServicePoint


class AssistConsent(Input, kw_only=True, forbid_unknown_fields=True):
    """What the citizen lets counter staff do, when confirming a request or making a code."""

    scopes: Scopes


class AssistCodeView(msgspec.Struct, frozen=True):
    code: str
    """Six digits to read out: shown once, kept only as a keyed hash."""
    expires_at: dt.datetime
    scopes: list[ScopeView]


class CounterSessionView(msgspec.Struct, kw_only=True, frozen=True):
    """One citizen a counter staff member asked to help or helps: the name only once the citizen agreed."""

    id: uuid.UUID
    status: DelegationStatus
    citizen_name_th: str | None
    citizen_name_en: str | None
    national_id_masked: str
    scopes: list[ScopeView]
    service_point: str
    ends_at: dt.datetime
    """When help ends (a request: when it lapses unconfirmed)."""


class CounterSessions(msgspec.Struct, frozen=True):
    sessions: list[CounterSessionView]
    """Open requests and sessions first, then the day's ended ones."""
