"""Who is asking: a logged-in person (a session) or an agency's system (a client-credentials token), and
what their roles let them do. Plain functions over a principal, unit-tested without HTTP; the Litestar
guards in ``backend.core.guards`` apply them to routers.

Everyone who logs in is a citizen. Staff roles are granted per agency (``agency_admin``,
``agency_editor``, ``agency_sender``, ``agency_officer``) or platform-wide (``support``, ``platform_admin``,
``counter_staff``: helps people at a service point, and sees nothing of anyone's without their grant).
Agency machine clients hold scopes rather than roles; ``may_act_for_agency`` covers both.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import msgspec

from backend.core.errors import Forbidden, NotAuthenticated


class Session(msgspec.Struct, kw_only=True):
    public_id: str
    """What the citizen sees and uses to end this session; not the cookie value."""
    citizen_id: uuid.UUID
    created_at: float
    last_seen_at: float
    absolute_expires_at: float
    csrf_token: str
    acr: str | None = None
    amr: list[str] = msgspec.field(default_factory=list)
    auth_time: int | None = None
    user_agent: str = ""
    ip_address: str = ""
    national_id_key_id: str | None = None
    national_id_sealed: bytes | None = None
    """The citizen's national ID as sealed in the database (never in clear), and their birth date:
    carried here so that a request needs no database round trip to know whose data to ask for."""
    birthdate: str | None = None


Role = Literal[
    "agency_admin",
    "agency_editor",
    "agency_sender",
    "agency_officer",
    "support",
    "platform_admin",
    "counter_staff",
]
AgencyPermission = Literal[
    "tiles", "bills", "notifications", "connectors", "clients", "applications", "senders"
]

# Which agency roles carry which permission; a machine client's scope names the permission itself.
AGENCY_ROLE_PERMISSIONS: dict[str, frozenset[AgencyPermission]] = {
    "agency_admin": frozenset(
        {"tiles", "bills", "notifications", "connectors", "clients", "applications", "senders"}
    ),
    "agency_editor": frozenset({"tiles"}),
    "agency_sender": frozenset({"notifications"}),
    "agency_officer": frozenset({"applications"}),  # case officers: citizens' applications only
}


@dataclass(frozen=True, slots=True)
class ActingFor:
    """A person acting for another under a delegation (backend/delegation): the principal's
    ``citizen_id`` is then the grantor's, and this names the delegate who is really asking."""

    delegation_id: uuid.UUID
    delegate_id: uuid.UUID
    delegate_name_th: str
    delegate_name_en: str
    scopes: frozenset[str]
    service_point: str | None = None
    """Set for counter staff under an assisted grant (where they help): their steps are marked assisted."""


@dataclass(frozen=True, slots=True)
class Principal:
    """A logged-in person (session) or an agency's system (client credentials token)."""

    citizen_id: uuid.UUID | None
    session: Session | None
    roles: frozenset[tuple[str, int | None]] = frozenset()
    client_agency_id: int | None = None
    client_scopes: frozenset[str] = field(default_factory=frozenset)
    client_id: str | None = None
    acting_for: ActingFor | None = None
    """Set when a delegate acts for the citizen ``citizen_id``: every request carries both identities."""
    prefetched: Mapping[str, bytes | None] = field(default_factory=dict)
    """The values of the citizen's keys read with the session, by key (``backend.identity.auth``)."""

    @property
    def is_machine(self) -> bool:
        return self.client_agency_id is not None


def has_role(principal: Principal, role: Role, agency_id: int | None = None) -> bool:
    return (role, agency_id) in principal.roles


def is_platform_admin(principal: Principal) -> bool:
    return has_role(principal, "platform_admin")


def is_support(principal: Principal) -> bool:
    return has_role(principal, "support")


def may_act_for_agency(principal: Principal, agency_id: int, permission: AgencyPermission) -> bool:
    if principal.is_machine:
        return principal.client_agency_id == agency_id and permission in principal.client_scopes
    return any(
        permission in AGENCY_ROLE_PERMISSIONS.get(role, frozenset())
        for role, role_agency in principal.roles
        if role_agency == agency_id
    )


def agencies_of(principal: Principal) -> set[int]:
    if principal.is_machine and principal.client_agency_id is not None:
        return {principal.client_agency_id}
    return {agency for role, agency in principal.roles if agency is not None and role.startswith("agency_")}


def citizen_of(principal: Principal) -> uuid.UUID:
    """The caller's citizen id, on routes whose guard lets only people through (``person``, staff and
    counter guards): the one "who am I" for handlers and services; an agency's system never gets there."""
    assert principal.citizen_id is not None
    return principal.citizen_id


def require_person(principal: Principal | None) -> Principal:
    if principal is not None and principal.is_machine:
        # A valid agency token, just not a person's: 403 (RFC 6750's insufficient_scope), so that the
        # agency's system does not take it for an expired token and fetch a new one.
        raise Forbidden("This is for people logged in with their digital ID, not an agency's system.")
    if principal is None or principal.citizen_id is None:
        raise NotAuthenticated("Log in with your digital ID to continue.")
    return principal


def require_platform_admin(principal: Principal | None) -> Principal:
    principal = require_person(principal)
    if not is_platform_admin(principal):
        raise Forbidden("Only platform administrators may do this.")
    return principal


def require_support_staff(principal: Principal | None) -> uuid.UUID:
    """The staff member's citizen id, recorded against everything they see or do."""
    person = require_person(principal)
    if not (is_support(person) or is_platform_admin(person)):
        raise Forbidden("Only support staff may do this.")
    assert person.citizen_id is not None
    return person.citizen_id


def require_counter_staff(principal: Principal | None) -> uuid.UUID:
    """The counter staff member's citizen id: they start assisted grants and act under them."""
    person = require_person(principal)
    if not has_role(person, "counter_staff"):
        raise Forbidden("Only counter staff may do this.")
    assert person.citizen_id is not None
    return person.citizen_id


def require_agency_permission(
    principal: Principal | None, agency_id: int, permission: AgencyPermission
) -> Principal:
    if principal is None:
        raise NotAuthenticated("Log in, or present an agency access token.")
    if not may_act_for_agency(principal, agency_id, permission):
        raise Forbidden(f"You may not manage {permission} for this agency.")
    return principal
