"""Counter staff (``counter_staff``) starting help at a service point: asking a citizen, or typing the
code the citizen read out; and their own requests and sessions. They never see a full national ID, and
can do nothing for a citizen until that citizen confirmed or gave a code."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_201_CREATED

from backend.core.guards import counter_staff
from backend.core.principal import Principal, citizen_of
from backend.core.resources import Resources
from backend.delegation import assisted, live
from backend.delegation.live import DelegationChanges
from backend.delegation.schemas import AssistAsk, AssistCodeEntry, CounterSessions, CounterSessionView
from backend.identity.service import Identity


@get("/sessions", summary="The caller's requests and sessions of help at the counter (the last day)")
async def my_sessions(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> CounterSessions:
    return await assisted.sessions(resources, identity, citizen_of(principal))


@get(
    "/sessions/live",
    summary="Server-sent events: the caller's sessions (as listed above) as they change, while a request "
    "waits for the citizen to confirm",
)
async def my_sessions_live(
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
    delegation_changes: NamedDependency[DelegationChanges],
) -> ServerSentEvent:
    return ServerSentEvent(
        await live.watch_counter(resources, delegation_changes, identity, citizen_of(principal)),
        event_type="sessions",
    )


@post(
    "/sessions",
    status_code=HTTP_201_CREATED,
    summary="Ask a citizen, by national ID, to let the caller help them for one hour (they confirm)",
)
async def ask(
    data: Annotated[AssistAsk, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> CounterSessionView:
    return await assisted.ask(resources, identity, citizen_of(principal), data)


@post(
    "/sessions/by-code",
    status_code=HTTP_201_CREATED,
    summary="Start helping a citizen for one hour with the code they read out (rate-limited)",
)
async def by_code(
    data: Annotated[AssistCodeEntry, msgspec.Meta()],
    principal: NamedDependency[Principal],
    resources: NamedDependency[Resources],
    identity: NamedDependency[Identity],
) -> CounterSessionView:
    return await assisted.redeem(resources, identity, citizen_of(principal), data)


router = Router(
    "/api/v1/counter",
    guards=[counter_staff],
    tags=["delegation"],
    route_handlers=[my_sessions, my_sessions_live, ask, by_code],
)
