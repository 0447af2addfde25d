"""Request and response shapes of connectors, consents, the data-access record and entitlements, and
the rows the queries return."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

AuthKind = Literal["none", "api_key", "oauth_client_credentials", "client_tls"]
Pem = Annotated[str, msgspec.Meta(min_length=1, max_length=20000)]
Url = Annotated[str, msgspec.Meta(max_length=2000, pattern="^https?://")]
ResultState = Literal["fresh", "stale", "unavailable"]


# --- connectors (agencies) ------------------------------------------------------------------------


class NewConnector(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
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
    cache_seconds: Annotated[int, msgspec.Meta(ge=0, le=86400)] = 300
    consent_required: bool = False
    purpose: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    """Why the platform calls it, as the citizen will read it in "who accessed my data"."""
    fields: Annotated[list[Annotated[str, msgspec.Meta(max_length=60)]], msgspec.Meta(max_length=30)] = (
        msgspec.field(default_factory=list)
    )
    """Which of the citizen's data the agency returns (shown to the citizen)."""


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
    purpose: str
    fields: list[str]
    status: str
    circuit: str = "closed"


# --- consents and the data-access record (citizens) -----------------------------------------------


class NewConsent(msgspec.Struct, forbid_unknown_fields=True):
    connector_id: int
    days: Annotated[int, msgspec.Meta(ge=1, le=730)] = 365


class ConsentView(msgspec.Struct, kw_only=True):
    id: int
    connector_id: int
    purpose: str
    granted_at: dt.datetime
    expires_at: dt.datetime


class DataAccessView(msgspec.Struct, kw_only=True):
    id: int
    at: dt.datetime
    actor_kind: str
    purpose: str
    fields: list[str]
    outcome: str
    detail: str | None = None
    """What happened, in plain words, when it did not simply go through (a refused share link...)."""
    agency_id: int | None
    agency_name_th: str | None = None
    agency_name_en: str | None = None
    connector_title_th: str | None = None
    connector_title_en: str | None = None


class DataAccessPage(msgspec.Struct, kw_only=True):
    items: list[DataAccessView]
    next_before: int | None
    """Pass as ``before`` for the next (older) page; null at the end."""


# --- entitlements (citizens) ----------------------------------------------------------------------


class EntitlementView(msgspec.Struct, kw_only=True):
    agency_code: str
    agency_name: str
    scheme_id: str
    scheme_name: str
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
    entitlements: list[EntitlementView]
    refresh_available_at: dt.datetime | None = None
    """When a refresh would ask this agency again; null: now."""


class EntitlementsPage(msgspec.Struct, kw_only=True):
    language: str
    eligible_not_enrolled: list[EntitlementView]
    """What the citizen could claim but has not: shown first, with how to claim."""
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
    purpose: str
    fields: list[str]
    client_certificate_pem: str | None
    server_ca_pem: str | None
    min_age: int | None
    max_age: int | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ActiveConnector(ConnectorRow, kw_only=True, frozen=True):
    """A connector citizens' entitlements come from, with its agency's code and names."""

    agency_code: str
    agency_name_th: str
    agency_name_en: str
