"""Reading a campaign's progress (``make bench``): the counters its statuses keep (migration 0038) beside
counting its messages as before, at SMALL and at LARGE recipients, in one run. Printed, never asserted.

The agency console asks for progress every second while a campaign runs; counting grew with the audience
(~7 s at 10 M recipients), the counters are a few rows whatever the audience. Also printed: what the
counters cost on the way in (inserting LARGE recipients with and without the trigger's work)."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import partial

import pytest
from litestar import Litestar

from backend.core.db import Pool
from backend.core.resources import Resources
from notifications.queries import campaigns
from notifications.schemas import NO_DEVICES
from tests.factories import make_agency, make_campaign, make_template

SMALL = 10_000
LARGE = 1_000_000
PART = 20_000
READS = 30
INSERTED = 200_000  # what the counters cost on the way in, measured on this many

pytestmark = pytest.mark.timeout(1800)  # a million rows, written twice over

# The progress query as it was before the counters: every message of the campaign, counted.
COUNTED = """
    SELECT c.id::text, c.status, c.recipients,
           coalesce((SELECT jsonb_object_agg(status, n) FROM (
               SELECT status, count(*) AS n FROM notifications WHERE campaign_id = c.id GROUP BY status
           ) AS counts), '{}') AS counts,
           (SELECT count(*) FROM notifications WHERE campaign_id = c.id
              AND status = 'permanent-failure' AND status_reason = $2) AS inbox_only
    FROM notification_campaigns c WHERE c.id = $1::uuid
"""


async def _recipients(pool: Pool, agency_id: int, campaign_id: uuid.UUID, count: int) -> float:
    """Seconds to insert ``count`` of the campaign's messages, in parts as expansion chunks would be."""
    started = time.perf_counter()
    for first in range(0, count, PART):
        await pool.execute(
            """
            INSERT INTO notifications (citizen_id, agency_id, urgency, ttl_seconds, request_hash, campaign_id,
                                       status, status_reason)
            SELECT c.id, $1, 'normal', 86400, '', $2::uuid,
                   (ARRAY['delivered', 'sending', 'permanent-failure', 'created'])[1 + i % 4],
                   CASE WHEN i % 4 = 2 THEN $5 END
            FROM generate_series($3::int, $4::int) AS i
            JOIN citizens c ON c.subject = 'bench-' || (i % 1000)
            """,
            agency_id,
            campaign_id,
            first,
            min(first + PART, count) - 1,
            NO_DEVICES,
        )
    return time.perf_counter() - started


async def _median_read(read: Callable[[], Awaitable[object]]) -> float:
    await read()
    timings = []
    for _ in range(READS):
        started = time.perf_counter()
        await read()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


async def test_reading_progress_costs_the_same_at_a_million_recipients_as_at_ten_thousand(
    app: Litestar, resources: Resources
) -> None:
    pool = resources.pool
    agency_id = await make_agency(pool, status="approved")
    template = await make_template(pool, agency_id)
    await pool.execute(
        """
        INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, subject)
        SELECT sha256(('bench-' || i)::bytea), '\\x00', 'k1', 'bench', 'bench-' || i
        FROM generate_series(0, 999) AS i
        """
    )
    small = await make_campaign(pool, agency_id, template)
    large = await make_campaign(pool, agency_id, template)
    await _recipients(pool, agency_id, small.id, SMALL)
    await _recipients(pool, agency_id, large.id, LARGE)
    await pool.execute("ANALYZE notifications")

    figures = {}
    for name, campaign in (("small", small), ("large", large)):
        figures[f"counters {name}"] = await _median_read(
            partial(campaigns.campaign_progress, pool, agency_id, campaign.id)
        )
        figures[f"counted {name}"] = await _median_read(
            partial(pool.fetchrow, COUNTED, campaign.id, NO_DEVICES)
        )
    both = await campaigns.campaign_progress(pool, agency_id, large.id)
    counted = await pool.fetchrow(COUNTED, large.id, NO_DEVICES)
    assert both is not None
    assert counted is not None
    assert both.counts == counted["counts"]  # the same answer, read two ways

    counted_in = await make_campaign(pool, agency_id, template)
    inserted_with = await _recipients(pool, agency_id, counted_in.id, INSERTED)
    await pool.execute("ALTER TABLE notifications DISABLE TRIGGER campaign_counts_on_insert")
    try:
        bare = await make_campaign(pool, agency_id, template)
        inserted_without = await _recipients(pool, agency_id, bare.id, INSERTED)
    finally:
        await pool.execute("ALTER TABLE notifications ENABLE TRIGGER campaign_counts_on_insert")

    base = figures["counters small"]
    print(
        f"\ncampaign progress read, median of {READS}, {SMALL:,} and {LARGE:,} recipients:"
        f"\ncounters at {SMALL:,}: {base * 1000:.2f} ms (baseline)"
        f"\ncounters at {LARGE:,}: {figures['counters large'] * 1000:.2f} ms,"
        f" ratio {figures['counters large'] / base:.2f} (target <= 1.2)"
        f"\ncounting at {SMALL:,}: {figures['counted small'] * 1000:.2f} ms,"
        f" ratio {figures['counted small'] / base:.2f}"
        f"\ncounting at {LARGE:,}: {figures['counted large'] * 1000:.2f} ms,"
        f" ratio {figures['counted large'] / base:.2f}"
        f"\ninserting {INSERTED:,} recipients: {inserted_with:.1f} s with the counters,"
        f" {inserted_without:.1f} s without, ratio {inserted_with / inserted_without:.2f}"
    )
