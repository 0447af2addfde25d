"""The citizen's own account: their profile, their full national ID (the route asks for a step-up
login first) and their sessions. The routes are guarded by ``person``."""

from __future__ import annotations

import datetime as dt
import uuid

from backend.core.crypto import mask_national_id
from backend.core.errors import NotFound
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.core.user_agents import describe
from backend.identity import queries
from backend.identity.schemas import EndedSessions, Me, NationalId, RoleView, SessionView
from backend.identity.service import Identity, WithCookies, person_of


async def me(identity: Identity, resources: Resources, principal: Principal) -> Me:
    citizen_id, session = person_of(principal)
    citizen, national_id = await _citizen(identity, resources, citizen_id)
    return Me(
        id=citizen.id,
        name_th=citizen.name_th,
        name_en=citizen.name_en,
        birthdate=citizen.birthdate,
        national_id_masked=mask_national_id(national_id),
        roles=[RoleView(role=role, agency_id=agency) for role, agency in sorted(principal.roles, key=str)],
        csrf_token=session.csrf_token,
        acr=session.acr,
        auth_time=session.auth_time,
        session_idle_seconds=identity.sessions.idle_seconds,
    )


async def national_id(identity: Identity, resources: Resources, principal: Principal) -> NationalId:
    citizen_id, _ = person_of(principal)
    _, in_clear = await _citizen(identity, resources, citizen_id)
    return NationalId(national_id=in_clear)


async def sessions(identity: Identity, principal: Principal) -> list[SessionView]:
    citizen_id, current = person_of(principal)
    return [
        SessionView(
            id=session.public_id,
            current=session.public_id == current.public_id,
            created_at=_timestamp(session.created_at),
            last_seen_at=_timestamp(session.last_seen_at),
            user_agent=session.user_agent,
            ip_address=session.ip_address,
            acr=session.acr,
            device=describe(session.user_agent),
        )
        for session in await identity.sessions.list_for(citizen_id)
    ]


async def end_session(identity: Identity, principal: Principal, session_id: str) -> None:
    """One of the caller's own sessions; anyone else's is not there (404)."""
    citizen_id, _ = person_of(principal)
    if not await identity.sessions.end(citizen_id, session_id):
        raise NotFound("No such session.")


async def end_all_sessions(identity: Identity, principal: Principal) -> WithCookies[EndedSessions]:
    """This one included: the browser's cookie is cleared too."""
    citizen_id, _ = person_of(principal)
    ended = await identity.sessions.end_all(citizen_id)
    return WithCookies(EndedSessions(ended=ended), [identity.expired_session_cookie()])


async def _citizen(
    identity: Identity, resources: Resources, citizen_id: uuid.UUID
) -> tuple[queries.CitizenRow, str]:
    """The citizen's row and their national ID in clear."""
    citizen = await queries.citizen(resources.pool, citizen_id)
    if citizen is None:
        raise NotFound("Your account no longer exists.")
    return citizen, identity.cipher.decrypt(citizen.national_id_key_id, citizen.national_id_ciphertext)


def _timestamp(value: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(value, tz=dt.UTC)
