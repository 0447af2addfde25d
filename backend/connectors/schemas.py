"""Request and response shapes of connectors, consents, the data-access record and entitlements, and
the rows the queries return."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from backend.connectors.contract import EntitlementKind
from backend.core.input import Input, NationalId

AuthKind = Literal["none", "api_key", "oauth_client_credentials", "client_tls"]
Pem = Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]
Url = Annotated[str, msgspec.Meta(max_length=2000, pattern="^https?://")]
ResultState = Literal["fresh", "stale", "unavailable"]
ConnectorStatus = Literal["pending", "returned", "active", "disabled"]
AccessKind = Literal["agency_call", "staff_lookup", "document_share", "delegation"]
Purpose = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
DataItem = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
DataItems = Annotated[list[DataItem], msgspec.Meta(max_length=30)]


# --- connectors (agencies) ------------------------------------------------------------------------


MAX_CACHE_SECONDS = 86400
"""A connector's answers are fresh for at most a day (the database's CHECK says the same)."""


class NewConnector(Input, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(pattern="^[a-z][a-z0-9-]{1,39}$")]
    title_th: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    title_en: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    base_url: Url
    auth_kind: AuthKind
    api_key_header: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9-]{1,64}$")] | None = None
    api_key: Annotated[str, msgspec.Meta(min_length=8, max_length=4000)] | None = None
    oauth_token_url: Url | None = None
    oauth_client_id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    oauth_client_secret: Annotated[str, msgspec.Meta(min_length=8, max_length=4000)] | None = None
    oauth_scope: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    client_certificate_pem: Pem | None = None
    """For ``client_tls``: the certificate the platform presents to the agency's server."""
    client_private_key_pem: Pem | None = None
    """Its private key (unencrypted PEM); stored encrypted, never shown again."""
    server_ca_pem: Annotated[str, msgspec.Meta(min_length=1, max_length=50000)] | None = None
    """The CA(s) that signed the agency's server certificate, if not a publicly trusted one: then only
    these are trusted for this connector."""
    min_age: Annotated[int, msgspec.Meta(ge=0, le=150)] | None = None
    max_age: Annotated[int, msgspec.Meta(ge=0, le=150)] | None = None
    """Ask the agency only about citizens of these ages (e.g. an elderly allowance from 60)."""
    timeout_ms: Annotated[int, msgspec.Meta(ge=100, le=10000)] = 2000
    retries: Annotated[int, msgspec.Meta(ge=0, le=3)] = 1
    cache_seconds: Annotated[int, msgspec.Meta(ge=0, le=MAX_CACHE_SECONDS)] = 300
    consent_required: bool = False
    consent_days: Annotated[int, msgspec.Meta(ge=1, le=730)] = 365
    """How long a citizen's consent to it lasts (told to them before they agree)."""
    purpose_th: Purpose
    purpose_en: Purpose
    """Why the platform calls it, as the citizen reads it (before consenting, in "who accessed my data")."""
    fields_th: DataItems = msgspec.field(default_factory=list)
    fields_en: DataItems = msgspec.field(default_factory=list)
    """Which of the citizen's data the agency returns, item by item in both languages (shown to them;
    as many of each: ``service.register_connector`` refuses uneven lists naming the field)."""


class ConnectorView(msgspec.Struct, kw_only=True):
    id: int
    agency_id: int
    name: str
    title_th: str
    title_en: str
    base_url: str
    auth_kind: str
    api_key_header: str | None
    oauth_token_url: str | None
    oauth_client_id: str | None
    oauth_scope: str | None
    client_certificate_pem: str | None
    server_ca_pem: str | None
    min_age: int | None
    max_age: int | None
    timeout_ms: int
    retries: int
    cache_seconds: int
    consent_required: bool
    consent_days: int
    purpose_th: str
    purpose_en: str
    fields_th: list[str]
    fields_en: list[str]
    status: ConnectorStatus
    circuit: str = "closed"
    review_comment: str | None = None
    """Why the reviewer returned it (status ``returned``)."""
    change_in_review: ChangeInReview | None = None
    """A change to the live connector waiting for review; the approved version serves meanwhile."""


class ProposedConnector(msgspec.Struct, kw_only=True):
    """The values of a change waiting for review, as the edit form needs them (never its secret)."""

    title_th: str
    title_en: str
    base_url: str
    auth_kind: str
    api_key_header: str | None
    oauth_token_url: str | None
    oauth_client_id: str | None
    oauth_scope: str | None
    client_certificate_pem: str | None
    server_ca_pem: str | None
    min_age: int | None
    max_age: int | None
    timeout_ms: int
    retries: int
    cache_seconds: int
    consent_required: bool
    consent_days: int
    purpose_th: str
    purpose_en: str
    fields_th: list[str]
    fields_en: list[str]


class ChangeInReview(msgspec.Struct, kw_only=True):
    submitted_at: dt.datetime
    review_comment: str | None
    """Set once the reviewer returned the change."""
    proposed: ProposedConnector
    """So that editing again starts from the change, not the live version, and does not drop it."""


class ReviewedTerms(msgspec.Struct, kw_only=True):
    """What a reviewer approves: where citizens' national IDs go, how, why and what comes back."""

    title_th: str
    title_en: str
    base_url: str
    oauth_token_url: str | None
    auth_kind: AuthKind
    purpose_th: str
    purpose_en: str
    fields_th: list[str]
    fields_en: list[str]
    consent_required: bool
    consent_days: int
    min_age: int | None
    max_age: int | None


class ConnectorReview(msgspec.Struct, kw_only=True):
    """A new connector or a change to a live one, waiting for a platform admin."""

    connector_id: int
    agency_id: int
    agency_name_th: str
    agency_name_en: str
    name: str
    kind: Literal["new", "change"]
    submitted_by_th: str | None
    submitted_by_en: str | None
    submitted_by_client: str | None
    """The agency's machine client that sent it, by its name, when no person did; none of the three:
    the platform itself (the demo data)."""
    submitted_at: dt.datetime
    proposed: ReviewedTerms
    live: ReviewedTerms | None
    """The version serving now (a change only)."""


class ConnectorReturn(Input, forbid_unknown_fields=True):
    comment: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


# --- consents and the data-access record (citizens) -----------------------------------------------


class NewConsent(Input, forbid_unknown_fields=True):
    """For as long as the connector declares (``consent_days``), which the citizen was shown."""

    connector_id: int


class ConsentView(msgspec.Struct, kw_only=True):
    id: int
    connector_id: int
    purpose_th: str
    purpose_en: str
    """The purpose as it read when the consent was given."""
    granted_at: dt.datetime
    expires_at: dt.datetime


class ConsentTerms(msgspec.Struct, kw_only=True):
    """What a citizen is told before consenting to a connector being called, and their live consent."""

    connector_id: int
    agency_name_th: str
    agency_name_en: str
    title_th: str
    title_en: str
    purpose_th: str
    purpose_en: str
    fields_th: list[str]
    fields_en: list[str]
    consent_days: int
    consent: ConsentView | None


class Said(msgspec.Struct, frozen=True):
    """A text in both languages, as a data-access record keeps it."""

    th: str
    en: str


class DataAccessView(msgspec.Struct, kw_only=True):
    id: int
    """The newest record of the entry (of several, when ``count`` is above one)."""
    at: dt.datetime
    kind: AccessKind
    actor_kind: str
    purpose_th: str
    purpose_en: str
    fields_th: list[str]
    fields_en: list[str]
    outcome: str
    detail_th: str | None = None
    detail_en: str | None = None
    """What happened, in plain words, when it did not simply go through (a refused share link...)."""
    agency_id: int | None
    connector_id: int | None = None
    agency_name_th: str | None = None
    agency_name_en: str | None = None
    connector_title_th: str | None = None
    connector_title_en: str | None = None
    actor_name_th: str | None = None
    actor_name_en: str | None = None
    """The person who acted for the citizen (``actor_kind`` "delegate"), named in their record."""
    count: int = 1
    """Like calls to one agency between two other kinds of access, on one day, shown as one entry."""
    first_at: dt.datetime | None = None
    """The earliest of them, when there are several."""


class AgencyName(msgspec.Struct, kw_only=True):
    id: int
    name_th: str
    name_en: str


class DataAccessPage(msgspec.Struct, kw_only=True):
    items: list[DataAccessView]
    next_before: int | None
    """Pass as ``before`` for the next (older) page; null at the end."""
    agencies: list[AgencyName]
    """Every agency in the citizen's record, to filter by."""


# --- entitlements (citizens) ----------------------------------------------------------------------


class EntitlementView(msgspec.Struct, kw_only=True):
    agency_code: str
    agency_name: str
    scheme_id: str
    scheme_name: str
    kind: EntitlementKind
    status: str
    amount_satang: int | None
    period: str | None
    next_payment_date: dt.date | None
    details: str
    how_to_claim: str
    url: str | None


class AgencyResult(msgspec.Struct, kw_only=True):
    agency_code: str
    agency_name: str
    connector_id: int
    connector_title: str
    state: ResultState
    as_of: dt.datetime | None
    age_seconds: int | None
    reason: str | None
    """Why the result is stale or unavailable, in plain words."""
    consent_required: bool
    consent_given: bool
    purpose: str
    """Why the platform asks this agency, and what it returns: told before the citizen consents."""
    fields: list[str]
    consent_days: int
    """How long a consent lasts when given."""
    consent_id: int | None = None
    consent_expires_at: dt.datetime | None = None
    entitlements: list[EntitlementView]
    refresh_available_at: dt.datetime | None = None
    """When a refresh would ask this agency again; null: now."""


class EntitlementsPage(msgspec.Struct, kw_only=True):
    language: str
    eligible_not_enrolled: list[EntitlementView]
    """Benefits the citizen could claim but has not (never a fee-paying service), with how to claim."""
    agencies: list[AgencyResult]
    refresh_available_at: dt.datetime | None = None
    """When a refresh would ask every agency again (the latest of theirs); null: now."""


# --- rows as the queries return them ------------------------------------------------------------


class ConnectorRow(msgspec.Struct, kw_only=True, frozen=True):
    """A registered connector, its secret still sealed."""

    id: int
    agency_id: int
    name: str
    title_th: str
    title_en: str
    base_url: str
    auth_kind: str
    api_key_header: str | None
    oauth_token_url: str | None
    oauth_client_id: str | None
    oauth_scope: str | None
    secret_ciphertext: bytes | None
    secret_key_id: str | None
    timeout_ms: int
    retries: int
    cache_seconds: int
    consent_required: bool
    consent_days: int
    purpose_th: str
    purpose_en: str
    fields_th: list[str]
    fields_en: list[str]
    client_certificate_pem: str | None
    server_ca_pem: str | None
    min_age: int | None
    max_age: int | None
    status: str
    review_comment: str | None
    approved_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ActiveConnector(ConnectorRow, kw_only=True, frozen=True):
    """A connector citizens' entitlements come from, with its agency's code and names."""

    agency_code: str
    agency_name_th: str
    agency_name_en: str


# --- an agency's test call and health of one of its connectors -----------------------------------


class ConnectorTestCall(Input, forbid_unknown_fields=True):
    national_id: NationalId
    """A test citizen the agency's own system knows (the answer is shown to the agency's staff only)."""


class SchemeSeen(msgspec.Struct, kw_only=True):
    scheme_name_th: str
    scheme_name_en: str
    status: str


class ConnectorTestResult(msgspec.Struct, kw_only=True):
    ok: bool
    outcome: str
    """``ok``, or why not: ``timeout``, ``unreachable``, ``error_status``, ``bad_answer``,
    ``refused_destination``."""
    reason_th: str | None
    reason_en: str | None
    latency_ms: int
    entitlements: list[SchemeSeen]


class ConnectorHealth(msgspec.Struct, kw_only=True):
    circuit: str
    """``closed`` (calls go through), ``open`` (calls stopped after failures) or ``half-open``."""
    calls_24h: int
    failures_24h: int
    last_failure_at: dt.datetime | None
    last_ok_at: dt.datetime | None
    latency_samples: int
    latency_median_ms: int | None
    latency_p95_ms: int | None
