"""Request and response shapes of the identity feature: the citizen's account and sessions, staff role
grants, and agencies' machine clients with their token endpoint."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from backend.core.input import Input
from backend.core.input import NationalId as NationalIdNumber
from backend.core.principal import Role
from backend.core.user_agents import DeviceWords

Scope = Literal["tiles", "bills", "notifications", "connectors", "applications"]
"""What an agency's machine client may be given (``agency_clients.CLIENT_SCOPES``)."""

# --- the citizen's account ----------------------------------------------------------------------


class RoleView(msgspec.Struct, frozen=True):
    role: str
    agency_id: int | None


class Me(msgspec.Struct, frozen=True):
    id: uuid.UUID
    name_th: str | None
    name_en: str | None
    birthdate: dt.date | None
    national_id_masked: str
    roles: list[RoleView]
    csrf_token: str
    """Send back in X-CSRF-Token on every POST, PUT, PATCH and DELETE."""
    acr: str | None
    auth_time: int | None
    session_idle_seconds: int
    """How long this session lasts unused (SESSION_IDLE_MINUTES): the app warns before it ends."""


class NationalId(msgspec.Struct, frozen=True):
    national_id: str


class SessionView(msgspec.Struct, frozen=True):
    id: str
    current: bool
    created_at: dt.datetime
    last_seen_at: dt.datetime
    user_agent: str
    ip_address: str
    acr: str | None
    device: DeviceWords
    """The user agent in words (``Chrome`` on ``Android``), for the citizen's list of sessions."""


class LogoutResult(msgspec.Struct, frozen=True):
    end_session_url: str | None
    """Where to send the browser so the identity provider ends its session too (when it can)."""


class EndedSessions(msgspec.Struct, frozen=True):
    ended: int


# --- staff role grants --------------------------------------------------------------------------


class NewRoleGrant(Input, forbid_unknown_fields=True):
    national_id: NationalIdNumber
    role: Role
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    agency_id: int | None = None


class RoleGrantView(msgspec.Struct, frozen=True):
    id: int
    citizen_id: uuid.UUID
    name_th: str | None
    name_en: str | None
    role: str
    agency_id: int | None
    granted_by: uuid.UUID | None
    granted_at: dt.datetime
    grant_reason: str
    revoked_by: uuid.UUID | None
    revoked_at: dt.datetime | None


# --- agencies' machine clients ------------------------------------------------------------------


class NewAgencyClient(Input, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    scopes: Annotated[list[Scope], msgspec.Meta(min_length=1, max_length=5)]


class SecretRotation(Input, forbid_unknown_fields=True):
    overlap_hours: Annotated[int, msgspec.Meta(ge=0, le=168)] = 24


class IssuedClient(msgspec.Struct, frozen=True):
    client_id: str
    client_secret: str
    """Shown this once only: store it in the agency's secret store."""
    scopes: list[str]


class IssuedSecret(msgspec.Struct, frozen=True):
    client_id: str
    client_secret: str
    previous_secrets_expire_at: dt.datetime | None


class AgencyClientView(msgspec.Struct, frozen=True):
    client_id: str
    name: str
    scopes: list[str]
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    live_secrets: int


class AccessToken(msgspec.Struct, frozen=True):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


class OAuthProblem(msgspec.Struct, frozen=True):
    """RFC 6749 error members inside an RFC 9457 problem body, so both kinds of client understand it."""

    type: str
    title: str
    status: int
    error: str
    error_description: str
