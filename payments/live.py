"""A payment's state as it changes, for the phone showing its QR: server-sent events, ended when the
payment is final or after 20 minutes (the client reconnects, as EventSource does by itself, if it still
cares).

Not yet on Litestar Channels (``litestar.channels`` on Redis), which would replace the read a second per
watching phone: publishing needs the plugin in the app and a Redis handle where payments expire (the
worker), and in Litestar 2.25 the plugin's subscriber task ends for good on a Redis error, so after a
Redis restart no stream on that replica would hear of a payment again. Polling PostgreSQL has neither
problem."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import msgspec

from backend.core.principal import Principal
from backend.core.resources import Resources
from payments import queries
from payments.reads import my_payment
from payments.rows import PaymentRow

FINAL_STATES = frozenset({"success", "failed", "expired", "cancelled"})
_LIVE_POLL_SECONDS = 1.0
_LIVE_MAX_SECONDS = 20 * 60


async def watch(resources: Resources, principal: Principal, payment_id: uuid.UUID) -> AsyncIterator[str]:
    """The citizen's payment's states, as JSON for the event stream (404 for another's payment)."""
    return _states(resources, await my_payment(resources, principal, payment_id))


async def _states(resources: Resources, first: PaymentRow) -> AsyncIterator[str]:
    # One indexed read a second per watching phone, ended when the payment is final or after 20 minutes.
    last = None
    started = time.monotonic()
    while time.monotonic() - started < _LIVE_MAX_SECONDS:
        row = await queries.payment(resources.pool, first.id)
        if row is None:
            return
        if row.state != last:
            last = row.state
            yield msgspec.json.encode({"state": last}).decode()
        if last in FINAL_STATES:
            return
        await asyncio.sleep(_LIVE_POLL_SECONDS)
