from __future__ import annotations

import time
import uuid

import pytest

from backend.core.errors import Forbidden, NotAuthenticated
from backend.core.principal import (
    Principal,
    Session,
    agencies_of,
    may_act_for_agency,
    require_agency_permission,
    require_platform_admin,
)
from backend.identity.step_up import StepUpRequired, acr_rank, require_step_up

LEVELS = ["urn:demo:ial:1", "urn:demo:ial:2", "urn:demo:ial:3"]
WATER, POWER = 1, 2


_CITIZEN = uuid.UUID("00000000-0000-4000-8000-00000000000c")


def _session(acr: str | None = "urn:demo:ial:2", auth_time: int | None = None) -> Session:
    now = time.time()
    return Session(
        public_id="p",
        citizen_id=_CITIZEN,
        created_at=now,
        last_seen_at=now,
        absolute_expires_at=now + 3600,
        csrf_token="t",
        acr=acr,
        auth_time=int(now) if auth_time is None else auth_time,
    )


def _person(*roles: tuple[str, int | None], session: Session | None = None) -> Principal:
    return Principal(citizen_id=_CITIZEN, session=session or _session(), roles=frozenset(roles))


def _machine(agency_id: int, *scopes: str) -> Principal:
    return Principal(
        citizen_id=None, session=None, client_agency_id=agency_id, client_scopes=frozenset(scopes)
    )


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        ("agency_admin", "tiles", True),
        ("agency_admin", "clients", True),
        ("agency_editor", "tiles", True),
        ("agency_editor", "notifications", False),
        ("agency_sender", "notifications", True),
        ("agency_sender", "tiles", False),
        ("support", "tiles", False),
        ("platform_admin", "bills", False),  # admins approve; they do not act for an agency
    ],
)
def test_agency_roles_carry_their_permissions_only(role: str, permission: str, allowed: bool) -> None:
    agency = WATER if role.startswith("agency_") else None
    assert may_act_for_agency(_person((role, agency)), WATER, permission) is allowed  # type: ignore[arg-type]


def test_a_role_at_one_agency_gives_nothing_at_another() -> None:
    staff = _person(("agency_admin", WATER))
    assert may_act_for_agency(staff, WATER, "bills")
    assert not may_act_for_agency(staff, POWER, "bills")
    assert agencies_of(staff) == {WATER}


def test_machine_clients_act_only_for_their_agency_within_their_scopes() -> None:
    client = _machine(WATER, "bills")
    assert may_act_for_agency(client, WATER, "bills")
    assert not may_act_for_agency(client, WATER, "notifications")
    assert not may_act_for_agency(client, POWER, "bills")
    with pytest.raises(Forbidden):
        require_agency_permission(client, POWER, "bills")
    with pytest.raises(NotAuthenticated):
        require_agency_permission(None, WATER, "bills")


def test_only_platform_admins_pass_the_admin_guard() -> None:
    assert require_platform_admin(_person(("platform_admin", None))).citizen_id == _CITIZEN
    with pytest.raises(Forbidden):
        require_platform_admin(_person(("support", None)))
    with pytest.raises(NotAuthenticated):
        require_platform_admin(None)
    with pytest.raises(Forbidden):  # a valid token, not a person's: refused, not asked to log in
        require_platform_admin(_machine(WATER, "bills"))


def test_acr_levels_rank_in_the_providers_order() -> None:
    assert acr_rank("urn:demo:ial:3", LEVELS) > acr_rank("urn:demo:ial:2", LEVELS) > acr_rank(None, LEVELS)
    assert acr_rank("something-else", LEVELS) == -1


def test_step_up_passes_a_strong_recent_login() -> None:
    principal = _person(session=_session("urn:demo:ial:3"))
    assert require_step_up(principal, minimum_acr="urn:demo:ial:2", acr_levels=LEVELS, max_age_seconds=600)


@pytest.mark.parametrize(
    ("acr", "age_seconds"),
    [("urn:demo:ial:1", 0), (None, 0), ("unknown", 0), ("urn:demo:ial:3", 601)],
)
def test_step_up_challenges_a_weak_or_old_login(acr: str | None, age_seconds: int) -> None:
    now = time.time()
    principal = _person(session=_session(acr, auth_time=int(now - age_seconds)))
    with pytest.raises(StepUpRequired) as challenge:
        require_step_up(
            principal, minimum_acr="urn:demo:ial:2", acr_levels=LEVELS, max_age_seconds=600, now=now
        )
    assert challenge.value.status_code == 401
    assert challenge.value.headers["WWW-Authenticate"] == (
        'Bearer error="insufficient_user_authentication", acr_values="urn:demo:ial:2", max_age=600'
    )
