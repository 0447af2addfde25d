"""An agency's look at one of its connectors from the console.

- A test call: one call with a national ID the agency supplies, made even while the circuit breaker is
  open (an answer closes it), neither cached nor kept as a citizen's answer nor written to a citizen's
  data-access record: the agency's staff see what their own system answers about a person they chose.
- Its health: the breaker as every replica sees it, the calls and failures of the last 24 hours from the
  data-access log, and the latency of its recent answered calls (kept in Redis by the client, so a lost
  Redis only empties the figures until the next calls).
"""

from __future__ import annotations

import math
import statistics
import time
import uuid

from backend.connectors import queries
from backend.connectors.client import PLAIN_REASONS, ConnectorFailure
from backend.connectors.entitlements import EntitlementsService
from backend.connectors.schemas import ConnectorHealth, ConnectorTestCall, ConnectorTestResult, SchemeSeen
from backend.core.errors import NotFound
from backend.core.resources import Resources


async def test_call(
    resources: Resources,
    entitlements: EntitlementsService,
    agency_id: int,
    connector_id: int,
    data: ConnectorTestCall,
) -> ConnectorTestResult:
    found = await queries.connectors_of(resources.pool, agency_id, connector_id)
    if not found:
        raise NotFound("No such connector.")
    started = time.monotonic()
    try:
        answer = await entitlements.probe(found[0], data.national_id, f"console-test-{uuid.uuid4().hex}")
    except ConnectorFailure as failure:
        reason_th, reason_en = PLAIN_REASONS.get(failure.kind, PLAIN_REASONS["internal"])
        return ConnectorTestResult(
            ok=False, outcome=failure.kind, reason_th=reason_th, reason_en=reason_en,
            latency_ms=round((time.monotonic() - started) * 1000), entitlements=[],
        )  # fmt: skip
    return ConnectorTestResult(
        ok=True, outcome="ok", reason_th=None, reason_en=None,
        latency_ms=round((time.monotonic() - started) * 1000),
        entitlements=[
            SchemeSeen(scheme_name_th=e.scheme_name_th, scheme_name_en=e.scheme_name_en, status=e.status)
            for e in answer.entitlements
        ],
    )  # fmt: skip


async def health(
    resources: Resources, entitlements: EntitlementsService, agency_id: int, connector_id: int
) -> ConnectorHealth:
    if not await queries.connectors_of(resources.pool, agency_id, connector_id):
        raise NotFound("No such connector.")
    calls = await queries.recent_calls(resources.pool, connector_id)
    latencies = sorted(await entitlements.latencies_ms(connector_id))
    return ConnectorHealth(
        circuit=await entitlements.circuit(connector_id),
        calls_24h=calls.calls,
        failures_24h=calls.failures,
        last_failure_at=calls.last_failure_at,
        last_ok_at=calls.last_ok_at,
        latency_samples=len(latencies),
        latency_median_ms=round(statistics.median(latencies)) if latencies else None,
        latency_p95_ms=latencies[math.ceil(len(latencies) * 0.95) - 1] if latencies else None,  # nearest rank
    )
