"""Campaigns expand in ranges of the citizen-id space, side by side, each walking an index from its cursor
(migration 0041): every citizen in the audience gets the message exactly once whatever order the ranges'
chunks run in, and a chunk reads about as many rows as it returns wherever its cursor stands."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from typing import Any

import pytest

from backend.core.resources import Resources
from backend.core.tasks import run_task
from backend.server.worker import build_worker, resume_campaigns
from notifications import campaigns
from notifications.campaigns import RESUME_WITHIN, range_bounds, resume_stalled_expansions, start_campaign
from notifications.queries import campaigns as campaign_queries
from notifications.schemas import (
    AgencyFollowers,
    AgeRange,
    Audience,
    EntitlementState,
    NewCampaign,
    TileFollowers,
)
from tests.factories import make_agency, make_campaign, make_connector, make_template, make_tile

CITIZENS = 1_300


async def _bulk_citizens(resources: Resources, tag: str, *, born: dt.date) -> list[str]:
    rows = await resources.pool.fetch(
        """
        INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, subject,
                              birthdate)
        SELECT sha256(($1 || i)::bytea), '\\x00', 'k1', $1, i::text, $2::date - i
        FROM generate_series(1, $3::int) AS i
        RETURNING id::text
        """,
        tag,
        born,
        CITIZENS,
    )
    return [row["id"] for row in rows]


async def _expand_shuffled(resources: Resources) -> int:
    """Runs the pending expansion tasks in a random order, round after round; returns how many ran."""
    ran = 0
    while pending := [
        row["id"]
        for row in await resources.pool.fetch(
            "SELECT id FROM task_outbox WHERE task = 'notifications.expand_campaign' AND state = 'pending'"
        )
    ]:
        random.shuffle(pending)
        for task_id in pending:
            assert await run_task(resources, task_id) == "done"
            ran += 1
    return ran


async def _campaign(resources: Resources, agency_id: int, audience: Audience) -> uuid.UUID:
    template = await make_template(resources.pool, agency_id)
    campaign_id, created = await start_campaign(
        resources.pool,
        resources.queue,
        agency_id=agency_id,
        template=template,
        request=NewCampaign(audience=audience, template=template.key, idempotency_key=uuid.uuid4().hex),
        created_by=None,
    )
    assert created
    return campaign_id


async def _recipients(resources: Resources, campaign_id: uuid.UUID) -> list[str]:
    rows = await resources.pool.fetch(
        "SELECT citizen_id::text FROM notifications WHERE campaign_id = $1::uuid", campaign_id
    )
    return [row["citizen_id"] for row in rows]


async def _status(resources: Resources, campaign_id: uuid.UUID) -> tuple[str, int]:
    row = await resources.pool.fetchrow(
        "SELECT status, recipients FROM notification_campaigns WHERE id = $1::uuid", campaign_id
    )
    assert row is not None
    return row["status"], row["recipients"]


def test_the_ranges_cover_every_id_once() -> None:
    for count in (1, 2, 3, 16):
        bounds = range_bounds(count)
        assert len(bounds) == count
        assert bounds[0][0] == campaign_queries.FIRST_ID
        assert bounds[-1][1] == campaign_queries.LAST_ID
        assert all(bounds[n][1] == bounds[n + 1][0] for n in range(count - 1))  # (lower, upper] meet


@pytest.mark.parametrize("kind", ["agency-followers", "tile-followers", "age-range"])
async def test_sixteen_ranges_in_any_order_reach_each_citizen_once(
    resources: Resources, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    async def a_national_platform(connection: Any) -> int:
        return 66_000_000

    monkeypatch.setattr(campaign_queries, "citizens_estimate", a_national_platform)
    agency_id = await make_agency(resources.pool, status="approved")
    # Born between 120 and 126 years ago: no other test's citizen is in this age range.
    born = dt.date(dt.date.today().year - 121, 1, 1)
    citizens = await _bulk_citizens(resources, f"ranges-{kind}", born=born)
    first, second = [await make_tile(resources.pool, agency_id) for _ in range(2)]
    # Two thirds follow the first tile, one in three of them the second as well, a few only the second.
    follow_first = citizens[: 2 * CITIZENS // 3]
    follow_second = citizens[: CITIZENS // 3 : 3] + citizens[-50:]
    await resources.pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) SELECT unnest($1::uuid[]), $2::bigint",
        follow_first,
        first.id,
    )
    await resources.pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) SELECT unnest($1::uuid[]), $2::bigint",
        follow_second,
        second.id,
    )
    audience: Audience
    if kind == "agency-followers":
        audience, expected = AgencyFollowers(), set(follow_first) | set(follow_second)
    elif kind == "tile-followers":
        audience, expected = TileFollowers(tile_id=first.id), set(follow_first)
    else:
        audience, expected = AgeRange(min_age=119, max_age=126), set(citizens)
    size = await campaign_queries.audience_size(resources.pool, agency_id, audience)
    assert size == len(expected)

    campaign_id = await _campaign(resources, agency_id, audience)
    ran = await _expand_shuffled(resources)
    ranges = await resources.pool.fetch(
        "SELECT range_no, done FROM notification_campaign_ranges WHERE campaign_id = $1::uuid ORDER BY 1",
        campaign_id,
    )
    assert [(row["range_no"], row["done"]) for row in ranges] == [(n, True) for n in range(16)]
    assert ran >= 1 + 16  # the planning, then every range at least once
    reached = await _recipients(resources, campaign_id)
    assert len(reached) == len(set(reached))  # nobody twice
    assert set(reached) == expected  # nobody missed
    assert await _status(resources, campaign_id) == ("expanded", len(expected))


async def test_a_planning_task_run_twice_plans_once(
    resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def a_platform_of_a_million(connection: Any) -> int:
        return 1_000_000

    monkeypatch.setattr(campaign_queries, "citizens_estimate", a_platform_of_a_million)
    agency_id = await make_agency(resources.pool, status="approved")
    campaign_id = await _campaign(resources, agency_id, AgencyFollowers())
    [planning] = await resources.pool.fetch(
        "SELECT id FROM task_outbox WHERE task = 'notifications.expand_campaign' AND state = 'pending'"
    )
    assert await run_task(resources, planning["id"]) == "done"
    again = await resources.pool.fetchval(  # the same task queued twice, or run again after a lost lease
        "INSERT INTO task_outbox (task, payload) SELECT task, payload FROM task_outbox WHERE id = $1 "
        "RETURNING id",
        planning["id"],
    )
    assert await run_task(resources, again) == "done"
    ranges = await resources.pool.fetchval(
        "SELECT count(*) FROM notification_campaign_ranges WHERE campaign_id = $1::uuid", campaign_id
    )
    queued = await resources.pool.fetchval(
        "SELECT count(*) FROM task_outbox WHERE task = 'notifications.expand_campaign' AND state = 'pending'"
    )
    assert (ranges, queued) == (4, 4)  # a million citizens: four ranges of 250,000, each queued once


async def test_a_campaign_whose_expansion_ran_out_of_attempts_carries_on_and_reaches_each_citizen_once(
    resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk task that failed for good (a database away longer than its retries) used to leave its
    campaign "expanding" for ever; the worker's resume queues the plan or the stopped range again, and
    only those: a range still under way is left to its own task."""

    async def a_platform_of_a_million(connection: Any) -> int:
        return 1_000_000  # four ranges

    monkeypatch.setattr(campaign_queries, "citizens_estimate", a_platform_of_a_million)
    monkeypatch.setattr(campaigns, "CHUNK_SIZE", 100)  # several chunks a range
    agency_id = await make_agency(resources.pool, status="approved")
    born = dt.date(dt.date.today().year - 121, 6, 1)
    citizens = await _bulk_citizens(resources, "resumed", born=born)
    tile = await make_tile(resources.pool, agency_id)
    await resources.pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) SELECT unnest($1::uuid[]), $2::bigint",
        citizens,
        tile.id,
    )
    campaign_id = await _campaign(resources, agency_id, AgencyFollowers())
    sql = (
        "SELECT id, payload FROM task_outbox "
        "WHERE task = 'notifications.expand_campaign' AND state = 'pending'"
    )

    async def mine() -> dict[int, int | None]:
        """This campaign's expansion tasks waiting: task id -> range number (None: the plan)."""
        refs = {row["id"]: row["payload"] for row in await resources.pool.fetch(sql)}
        return {
            task_id: ref.get("range_no")
            for task_id, ref in refs.items()
            if ref["campaign_id"] == str(campaign_id)
        }

    async def fail_for_good(task_id: int) -> None:
        await resources.pool.execute(
            "UPDATE task_outbox SET state = 'failed', finished_at = now(), last_error = 'test' WHERE id = $1",
            task_id,
        )

    async def resumed() -> list[int | None]:
        """The ranges of this campaign the resume queued a task for."""
        before = await mine()
        await resume_stalled_expansions(resources.pool, resources.queue)
        return [range_no for task_id, range_no in (await mine()).items() if task_id not in before]

    [planning] = await mine()
    assert await resumed() == []  # its plan is waiting: nothing to resume
    await fail_for_good(planning)
    assert await resumed() == [None]  # the plan again
    [planning] = await mine()
    assert await run_task(resources, planning) == "done"
    ranges = await mine()
    assert sorted(ranges.values(), key=str) == [0, 1, 2, 3]
    stopped = next(task_id for task_id, range_no in ranges.items() if range_no == 2)
    assert await run_task(resources, stopped) == "done"  # one chunk of range 2; its next one queued
    [after] = [task_id for task_id, range_no in (await mine()).items() if range_no == 2]
    await fail_for_good(after)
    due = "UPDATE notification_campaigns SET created_at = created_at + $2::interval WHERE id = $1"
    await resources.pool.execute(due, campaign_id, -(RESUME_WITHIN + dt.timedelta(hours=1)))
    assert await resumed() == []  # due longer ago than a resume is tried for
    await resources.pool.execute(due, campaign_id, RESUME_WITHIN + dt.timedelta(hours=1))
    assert await resumed() == [2]  # range 2 only: the other three still have their tasks
    assert await resumed() == []  # and once
    assert resume_campaigns in {job.function for job in build_worker(resources).cron_jobs}  # every 5 min
    await _expand_shuffled(resources)
    reached = await _recipients(resources, campaign_id)
    assert len(reached) == len(set(reached))  # nobody twice
    assert set(reached) == set(citizens)  # nobody missed
    assert await _status(resources, campaign_id) == ("expanded", len(citizens))


async def test_a_campaign_expanding_before_the_ranges_carries_on_from_its_cursor(
    resources: Resources,
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    tile = await make_tile(resources.pool, agency_id)
    citizens = await _bulk_citizens(resources, "ranges-legacy", born=dt.date(1980, 1, 1))
    await resources.pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) SELECT unnest($1::uuid[]), $2::bigint",
        citizens,
        tile.id,
    )
    campaign = await make_campaign(resources.pool, agency_id, await make_template(resources.pool, agency_id))
    ordered = sorted(citizens)
    # As a chunk before migration 0041 left it: the first 500 reached and the cursor on the 500th.
    await resources.pool.execute(
        "UPDATE notification_campaigns SET expanded_through = $2::uuid, recipients = 500 WHERE id = $1::uuid",
        campaign.id,
        ordered[499],
    )
    await resources.pool.execute(
        "INSERT INTO task_outbox (task, payload) VALUES ('notifications.expand_campaign', $1::jsonb)",
        {"campaign_id": campaign.id},  # the payload a task queued before the ranges carried
    )
    await _expand_shuffled(resources)
    assert sorted(await _recipients(resources, campaign.id)) == ordered[500:]
    assert await _status(resources, campaign.id) == ("expanded", CITIZENS)


async def test_agency_followers_follow_the_favourites(resources: Resources) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    first, second = [await make_tile(resources.pool, agency_id) for _ in range(2)]
    someone = min(await _bulk_citizens(resources, "ranges-follow", born=dt.date(1990, 1, 1)))

    async def tiles_followed(citizen_id: str) -> int | None:
        found: int | None = await resources.pool.fetchval(
            "SELECT tiles FROM agency_followers WHERE agency_id = $1 AND citizen_id = $2::uuid",
            agency_id,
            citizen_id,
        )
        return found

    add = "INSERT INTO tile_favourites (citizen_id, tile_id) VALUES ($1::uuid, $2)"
    remove = "DELETE FROM tile_favourites WHERE citizen_id = $1::uuid AND tile_id = $2"
    assert await tiles_followed(someone) is None
    await resources.pool.execute(add, someone, first.id)
    await resources.pool.execute(add, someone, second.id)
    assert await tiles_followed(someone) == 2
    await resources.pool.execute(remove, someone, first.id)
    assert await tiles_followed(someone) == 1  # still follows the agency through the second tile
    await resources.pool.execute(remove, someone, second.id)
    assert await tiles_followed(someone) is None
    with pytest.raises(Exception, match="may not change"):
        await resources.pool.execute(
            "UPDATE tiles SET agency_id = $2 WHERE id = $1",
            first.id,
            await make_agency(resources.pool, status="approved"),
        )


def _scanned(plan: dict[str, Any]) -> int:
    """Rows the plan's scans read from tables and indexes, before any filter dropped them."""
    own = 0
    if "Scan" in plan["Node Type"]:
        own = plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)
    return own + sum(_scanned(child) for child in plan.get("Plans", []))


@pytest.mark.parametrize("kind", ["agency-followers", "tile-followers", "age-range", "entitlement-state"])
async def test_a_chunk_deep_in_the_audience_reads_about_a_chunk(resources: Resources, kind: str) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    tile = await make_tile(resources.pool, agency_id)
    connector = await make_connector(resources.pool, agency_id)
    born = dt.date(dt.date.today().year - 131, 1, 1)  # 130 to 135 years old: nobody else's test citizens
    citizens = await _bulk_citizens(resources, f"ranges-plan-{kind}", born=born)
    await resources.pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) SELECT unnest($1::uuid[]), $2::bigint",
        citizens,
        tile.id,
    )
    await resources.pool.execute(
        """
        INSERT INTO entitlement_states (citizen_id, connector_id, agency_id, scheme_id, status,
                                        scheme_name_th, scheme_name_en)
        SELECT unnest($1::uuid[]), $2, $3, scheme, 'eligible_not_enrolled', 'เบี้ย', 'Allowance'
        FROM unnest(ARRAY['allowance', 'grant']) AS scheme
        """,
        citizens,
        connector.id,
        agency_id,
    )
    await resources.pool.execute(
        "VACUUM ANALYZE citizens, tile_favourites, agency_followers, entitlement_states"
    )
    audiences: dict[str, Audience] = {
        "agency-followers": AgencyFollowers(),
        "tile-followers": TileFollowers(tile_id=tile.id),
        "age-range": AgeRange(min_age=129, max_age=136),
        "entitlement-state": EntitlementState(status="eligible_not_enrolled"),
    }
    audience = audiences[kind]
    after = sorted(citizens)[CITIZENS * 9 // 10]
    sql, extra = campaign_queries.audience_query(audience)
    async with resources.pool.acquire() as connection:
        # The generic plan, as a prepared statement's sixth run uses: it cannot see the cursor's value.
        await connection.execute("SET plan_cache_mode = force_generic_plan")
        try:
            statement = await connection.prepare("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            [[explained]] = await statement.fetch(agency_id, after, 20, str(campaign_queries.LAST_ID), *extra)
        finally:
            await connection.execute("RESET plan_cache_mode")
    plan = explained[0]["Plan"]  # the pool decodes json
    # About a chunk (twice: a citizen in two schemes is two entries), not the 1,170 ahead of the cursor;
    # no sort of the audience.
    assert _scanned(plan) <= 2 * 20 + 1, json.dumps(plan, indent=1)
    assert "Sort" not in json.dumps(plan), json.dumps(plan, indent=1)
