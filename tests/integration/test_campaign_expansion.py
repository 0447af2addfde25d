"""A campaign expands in chunks to its audience, once each, with its progress live."""

from __future__ import annotations

import json

from backend.core.resources import Resources
from backend.core.tasks import run_task
from tests.factories import make_agency
from tests.helpers.notifications import (
    PARAMS,
    received,
    run_until_idle,
    sender_and_subscriber,
)
from tests.integration.conftest import SignIn


async def test_a_campaign_expands_in_chunks_to_its_audience_once_each_with_live_progress(
    sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, _, device, _ = await sender_and_subscriber(sign_in, resources, push_service, 78)
    agency_id = await resources.pool.fetchval("SELECT max(id) FROM agencies")
    # 1,100 citizens aged 20 to 79 (Bangkok's today), every third following one of the agency's tiles.
    await resources.pool.execute(
        """
        INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, subject,
                              birthdate)
        SELECT sha256(i::text::bytea), '\\x00', 'k1', 'bulk', i::text,
               (now() AT TIME ZONE 'Asia/Bangkok')::date - make_interval(years => 20 + i % 60, days => 3)
        FROM generate_series(1, 1100) AS i
        """
    )
    tile_id = await resources.pool.fetchval(
        "INSERT INTO tiles (agency_id) VALUES ($1) RETURNING id", agency_id
    )
    await resources.pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) "
        "SELECT id, $1::bigint FROM citizens WHERE issuer = 'bulk' AND subject::int % 3 = 0 "
        "UNION SELECT citizen_id, $1::bigint FROM push_subscriptions",
        tile_id,
    )
    in_range = await resources.pool.fetchval(
        "SELECT count(*) FROM citizens WHERE issuer = 'bulk' AND 20 + subject::int % 60 >= 30"
    )
    body = {
        "audience": {"kind": "age-range", "min_age": 30, "max_age": 79},
        "template": "bill-due",
        "params": PARAMS,
        "idempotency_key": "in_range-2026-11",
    }
    started = await sender.post("/api/v1/agency/notification-campaigns", json=body)
    assert started.status_code == 202, started.text
    campaign = started.json()
    assert (campaign["status"], campaign["recipients"], campaign["counts"]) == ("expanding", 0, {})
    again = await sender.post("/api/v1/agency/notification-campaigns", json=body)
    assert (again.status_code, again.json()["id"]) == (200, campaign["id"])
    progress_url = f"/api/v1/agency/{agency_id}/notification-campaigns/{campaign['id']}"

    [planning] = await resources.pool.fetch("SELECT id FROM task_outbox WHERE state = 'pending'")
    assert await run_task(resources, planning["id"]) == "done"  # one range: a small platform
    [first_chunk] = await resources.pool.fetch("SELECT id FROM task_outbox WHERE state = 'pending'")
    assert await run_task(resources, first_chunk["id"]) == "done"
    midway = (await sender.get(progress_url)).json()
    assert (midway["status"], midway["recipients"]) == ("expanding", 500)  # one chunk, readable live
    await run_until_idle(resources)
    done = (await sender.get(progress_url)).json()
    assert (done["status"], done["recipients"]) == ("expanded", in_range)
    assert sum(done["counts"].values()) == in_range
    assert await resources.pool.fetchval(
        "SELECT count(DISTINCT citizen_id) FROM notifications WHERE campaign_id = $1::uuid", campaign["id"]
    ) == in_range  # fmt: skip

    followers = await sender.post(
        "/api/v1/agency/notification-campaigns",
        json={**body, "audience": {"kind": "tile-followers", "tile_id": tile_id}, "idempotency_key": "f"},
    )
    await run_until_idle(resources)
    [pushed] = await received(push_service, device["device_id"])
    assert json.loads(pushed["payload"])["title_en"] == "Water bill due"
    counts = (
        await sender.get(f"/api/v1/agency/{agency_id}/notification-campaigns/{followers.json()['id']}")
    ).json()["counts"]
    assert counts == {"delivered": 1, "permanent-failure": 1100 // 3}  # the rest have no device

    upside_down = {
        **body,
        "audience": {"kind": "age-range", "min_age": 80, "max_age": 60},
        "idempotency_key": "x",
    }
    refused = await sender.post("/api/v1/agency/notification-campaigns", json=upside_down)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    other_tile = await resources.pool.fetchval(
        "INSERT INTO tiles (agency_id) VALUES ($1) RETURNING id", await make_agency(resources.pool)
    )
    foreign = {**body, "audience": {"kind": "tile-followers", "tile_id": other_tile}, "idempotency_key": "y"}
    assert (await sender.post("/api/v1/agency/notification-campaigns", json=foreign)).status_code == 400
