"""A payment's state as it changes, for the phone showing its QR: server-sent events, ended when the
payment is final or after 20 minutes (the client reconnects, as EventSource does by itself, if it still
cares).

Next to no polling: PostgreSQL announces every change of a payment's state when it commits (the trigger
of migration 0022, so settlement by support staff, expiry and any later path are covered alike; a bank's
callback announces its own just after, migration 0066), each API process listens once
(``PaymentStates``, supervised: see ``backend.core.notices``) and hands the news to the streams watching
that payment. A stream subscribes first and then reads the row once, so a change committed in between
is not missed; when the listening connection was lost and is back, each stream reads its row once more,
as it does after a minute without news (one query a minute for a phone showing its QR)."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import AsyncIterator
from typing import cast

import msgspec
from litestar.datastructures import State

from backend.core.notices import Notices, Subscription, Wake
from backend.core.principal import Principal
from backend.core.resources import Resources
from payments import queries
from payments.reads import my_payment
from payments.rows import PaymentRow

FINAL_STATES = frozenset({"success", "failed", "expired", "cancelled"})
CHANNEL = "payment_state"  # as migration 0022's trigger sends it
_LIVE_MAX_SECONDS = 20 * 60
# A notice sent after its commit can be lost with its connection (``backend.core.notices.announce``): a
# stream that heard nothing for this long reads its row once, so a phone is never left on a paid QR.
_REREAD_SECONDS = 60


class _Notice(msgspec.Struct, frozen=True):
    id: str
    state: str


def notice(payment_id: uuid.UUID, state: str) -> tuple[str, str]:
    """A new state as migration 0022's trigger announces it, for a transaction that announces its own
    after commit (``UnitOfWork.notices``)."""
    return CHANNEL, msgspec.json.encode(_Notice(str(payment_id), state)).decode()


def _decode(payload: str) -> tuple[str, str] | None:
    try:
        notice = msgspec.json.decode(payload, type=_Notice)
    except msgspec.DecodeError:
        return None
    return notice.id, notice.state


class PaymentStates(Notices[str]):
    """The process's one listener for payments' new states, by payment id."""

    def __init__(self, dsn: str, **options: float) -> None:
        super().__init__(dsn, CHANNEL, _decode, **options)


def provide_payment_states(state: State) -> PaymentStates:
    return cast(PaymentStates, state.payment_states)


async def watch(
    resources: Resources, states: PaymentStates, principal: Principal, payment_id: uuid.UUID
) -> AsyncIterator[str]:
    """The citizen's payment's states, as JSON for the event stream (404 for another's payment)."""
    subscription = states.subscribe(str(payment_id))  # before the read: nothing after it is missed
    try:
        first = await my_payment(resources, principal, payment_id)
    except BaseException:
        subscription.close()
        raise
    return _states(resources, subscription, first)


async def _states(
    resources: Resources, subscription: Subscription[str], first: PaymentRow
) -> AsyncIterator[str]:
    deadline = time.monotonic() + _LIVE_MAX_SECONDS
    state = first.state
    try:
        yield _event(state)
        while state not in FINAL_STATES:
            left = deadline - time.monotonic()
            wait = _REREAD_SECONDS * random.uniform(0.75, 1.25)  # noqa: S311 (spreads streams opened together)
            heard = await subscription.next(min(left, wait))
            if heard is Wake.CLOSED or (heard is None and left <= wait):
                return
            if heard is None or heard is Wake.RESYNC:  # a notice may have been missed: read again
                row = await queries.payment(resources.pool, first.id)
                if row is None:
                    return
                heard = row.state
            if heard != state:
                state = heard
                yield _event(state)
    finally:
        subscription.close()


def _event(state: str) -> str:
    return msgspec.json.encode({"state": state}).decode()
