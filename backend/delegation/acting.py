"""Acting for someone: the one place a delegate's scope is enforced and their every step recorded.

A request made while acting carries the delegate's own session (their login, their CSRF token, their
step-up) and the header ``X-Acting-For: <delegation id>``. After authentication, and before any guard,
this middleware checks the grant on every such request (active, not past its last day, the caller its
delegate: an end takes effect on the next request) and looks the route up in ``DELEGATE_ROUTES``:

- a public route (no guards): the header means nothing, the request is the caller's own;
- a route in the list, of a scope the grant holds: the principal becomes the grantor's, with no staff
  roles, carrying the delegate in ``acting_for``; guards and handlers then treat it as the grantor's
  request, so ownership checks are the ones the grantor has;
- anything else (another scope, a route of no scope, staff and agency routes): 403, raised by the
  route's first guard as the authentication middleware's problems are.

Each step that got through (a 2xx) is written to the grantor's "who accessed my data" once the handler
has answered, naming the delegate; a read repeated within ``READ_AGAIN_MINUTES`` is not written again so
that a polled screen does not bury the rest. A step that changes something is always written, and one
the route says ``tells`` also puts a notice in the grantor's inbox, in the same transaction as the
record (``delegation.notices``), keyed by the request so that a retried request writes no second one.
An assisted grant (counter staff helping for an hour, ``backend.delegation.assisted``) goes through the
same checks, plus its last moment and the caller still holding ``counter_staff``; its steps are
recorded with ``actor_kind = 'assisted'`` and the service point.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from backend.connectors.access_log import record_access
from backend.connectors.schemas import Said
from backend.core.db import Connection
from backend.core.errors import AppError, Forbidden
from backend.core.principal import ActingFor, Principal, has_role
from backend.core.resources import Resources
from backend.core.tasks import unit_of_work
from backend.delegation import notices, queries
from backend.delegation.routes import DELEGATE_ROUTES, DelegateUse
from backend.delegation.schemas import SCOPE_WORDS
from backend.delegation.service import today

HEADER = b"x-acting-for"
READ_AGAIN_MINUTES = 10
# Litestar's ``path_template`` names path parameters without their types ("{bill_id}").
_BY_TEMPLATE = {re.sub(r":\w+}", "}", key): use for key, use in DELEGATE_ROUTES.items()}


class NotWhileActing(Forbidden):
    problem_type = "not-while-acting"
    title = "Not while acting for someone else"


class ActingEnded(Forbidden):
    """The grant the request names does not hold (ended, expired, or never the caller's): the app
    leaves acting mode on this one."""

    problem_type = "acting-ended"
    title = "You no longer act for this person"


def _named_grant(scope: Scope) -> str | None:
    """The grant a request names: the header, else the ``acting_for`` query parameter (for what the
    browser fetches by address: an EventSource, an image, a download, and so that a service worker's
    copies of the grantor's answers are kept apart from the delegate's own)."""
    header = next((value for name, value in scope["headers"] if name == HEADER), None)
    if header is not None:
        return header.decode("latin-1").strip()
    query = scope.get("query_string", b"")
    if b"acting_for" not in query:  # most requests: no need to parse the query
        return None
    found = parse_qs(query.decode("latin-1")).get("acting_for")
    return found[0].strip() if found else None


class ActingForMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        raw = _named_grant(scope)
        principal: Principal | None = scope.get("user")
        state: Any = scope
        if (
            raw is None
            or principal is None
            or principal.is_machine
            or principal.citizen_id is None
            or state.get("auth_problem") is not None
            or scope.get("method") == "OPTIONS"
            or not scope["route_handler"].resolve_guards()  # public: the header means nothing
        ):
            await next_app(scope, receive, send)
            return
        resources: Resources = scope["app"].state.resources
        key = f"{scope.get('method')} {state.get('path_template', scope['path'])}"
        try:
            acting, use = await _allowed(resources, raw, principal, key)
        except AppError as problem:
            scope["user"] = None
            state["auth_problem"] = problem
            await next_app(scope, receive, send)
            return
        scope["user"] = acting
        # The request's own identity for its notice: the same request sent again (a retry after a lost
        # answer) hashes the same, so it is told once; another payment or reply is another notice.
        request = hashlib.sha256(f"{key} {scope['path']} {scope.get('query_string', b'')!r}".encode())

        async def hashing_receive() -> ReceiveMessage:
            message = await receive()
            if message["type"] == "http.request":
                request.update(message.get("body", b""))
            return message

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start" and 200 <= message["status"] < 300:
                await _record(resources, acting, use, request.hexdigest())
            await send(message)

        await next_app(scope, hashing_receive if use.tells else receive, recording_send)


async def _allowed(
    resources: Resources, raw: str, principal: Principal, key: str
) -> tuple[Principal, DelegateUse]:
    """The grantor's principal (carrying the delegate) and what the route does, or a 403."""
    assert principal.citizen_id is not None
    assert principal.session is not None
    try:
        delegation_id = uuid.UUID(raw)
    except ValueError:
        raise ActingEnded("You do not act for anyone by that reference.") from None
    row = await queries.acting_delegation(resources.pool, delegation_id, principal.citizen_id, today())
    if row is None:
        raise ActingEnded("You no longer act for this person: it was ended or has expired.")
    use = _BY_TEMPLATE.get(key)
    if use is None:
        raise NotWhileActing("This cannot be done while acting for someone else.")
    if use.scope not in row.scopes:
        raise NotWhileActing("The person you act for has not allowed you to do this.")
    if row.kind == "assisted" and not has_role(principal, "counter_staff"):
        raise ActingEnded("Only counter staff help under an assisted grant.")
    # The grantor's own: their id; their national ID and birth date from the database, never the
    # delegate's (the session's copies are the delegate's, so they are left out).
    session = msgspec.structs.replace(
        principal.session,
        citizen_id=row.grantor_id,
        national_id_key_id=None,
        national_id_sealed=None,
        birthdate=None,
    )
    acting_for = ActingFor(
        delegation_id=delegation_id,
        delegate_id=principal.citizen_id,
        delegate_name_th=row.delegate_name_th or row.delegate_name_en or "",
        delegate_name_en=row.delegate_name_en or row.delegate_name_th or "",
        scopes=frozenset(row.scopes),
        service_point=row.service_point if row.kind == "assisted" else None,
    )
    return Principal(citizen_id=row.grantor_id, session=session, acting_for=acting_for), use


async def _record(resources: Resources, principal: Principal, use: DelegateUse, request: str) -> None:
    acting = principal.acting_for
    assert acting is not None
    assert principal.citizen_id is not None
    pool = resources.pool
    actor_kind = "delegate" if acting.service_point is None else "assisted"
    if not use.changes and await queries.recently_recorded(
        pool, principal.citizen_id, acting.delegate_id, actor_kind, use.did.en, READ_AGAIN_MINUTES
    ):
        return
    async with unit_of_work(pool, resources.queue) as work:
        await _record_in(work.connection, principal, use)
        if use.tells:
            await notices.tell_grantor_of_step(work, principal.citizen_id, acting, use.did, request)


async def _record_in(connection: Connection, principal: Principal, use: DelegateUse) -> None:
    acting = principal.acting_for
    assert acting is not None
    assert principal.citizen_id is not None
    point = acting.service_point
    actor_kind = "delegate" if point is None else "assisted"
    await record_access(
        connection,
        citizen_id=principal.citizen_id,
        agency_id=None,
        connector_id=None,
        kind="delegation",
        actor_kind=actor_kind,
        actor_id=str(acting.delegate_id),
        purpose=use.did,
        fields=[Said(*SCOPE_WORDS[use.scope])],
        outcome="ok",
        detail=None if point is None else Said(f"ช่วยที่เคาน์เตอร์: {point}", f"helped at the counter: {point}"),
    )
