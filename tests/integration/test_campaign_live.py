"""A campaign's progress streamed to the agency console as it moves (migration 0042): PostgreSQL announces
each committed change, one listener per process wakes the streams watching that campaign, and a stream
ends once every recipient is added and nothing waits."""

from __future__ import annotations

import json
from typing import Any

from litestar import Litestar

from backend.core.resources import Resources
from backend.core.tasks import run_task
from notifications.live import CampaignMoves
from tests.factories import make_agency
from tests.helpers.notifications import PARAMS, sender_and_subscriber
from tests.helpers.sse import EventStream, event_stream
from tests.integration.conftest import SignIn

FOLLOWERS = 30


async def _progress(stream: EventStream) -> dict[str, Any] | None:
    data = await stream.next_data()
    return None if data is None else dict(json.loads(data))


async def test_the_console_hears_each_step_of_a_campaign_and_the_stream_ends_when_nothing_waits(
    app: Litestar, sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, _, _, _ = await sender_and_subscriber(sign_in, resources, push_service, 91)
    agency_id = await resources.pool.fetchval("SELECT max(id) FROM agencies")
    tile_id = await resources.pool.fetchval(
        "INSERT INTO tiles (agency_id) VALUES ($1) RETURNING id", agency_id
    )
    await resources.pool.execute(
        """
        WITH new AS (
            INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer,
                                  subject)
            SELECT sha256(('live-' || i)::bytea), '\\x00', 'k1', 'live', i::text
            FROM generate_series(1, $2) AS i
            RETURNING id
        )
        INSERT INTO tile_favourites (citizen_id, tile_id) SELECT id, $1 FROM new
        """,
        tile_id,
        FOLLOWERS,
    )
    started = await sender.post(
        "/api/v1/agency/notification-campaigns",
        json={
            "audience": {"kind": "tile-followers", "tile_id": tile_id},
            "template": "bill-due",
            "params": PARAMS,
            "idempotency_key": "live-1",
        },
    )
    assert started.status_code == 202, started.text
    campaign_id = started.json()["id"]
    moves: CampaignMoves = app.state.campaign_moves

    url = f"/api/v1/agency/{agency_id}/notification-campaigns/{campaign_id}/live"
    async with event_stream(app, url, sender) as stream:
        assert stream.status == 200
        first = await _progress(stream)
        assert first is not None
        assert (first["status"], first["recipients"]) == ("expanding", 0)
        assert moves.subscribers() == 1
        # The expansion (planning, then the one range's chunk): heard, not asked for.
        while pending := await resources.pool.fetch(
            "SELECT id FROM task_outbox WHERE task = 'notifications.expand_campaign' AND state = 'pending'"
        ):
            for row in pending:
                assert await run_task(resources, row["id"]) == "done"
        expanded = await _progress(stream)
        assert expanded is not None
        assert (expanded["status"], expanded["recipients"]) == ("expanded", FOLLOWERS)
        assert sum(expanded["counts"].values()) == FOLLOWERS
        # The followers have no devices: every message is in the inbox only, and nothing waits any more.
        if expanded["counts"].get("sending") or expanded["counts"].get("created"):
            final = await _progress(stream)
            assert final is not None
            expanded = final
        assert expanded["inbox_only"] == FOLLOWERS
        assert await _progress(stream) is None  # finished: the stream ends by itself
    assert moves.subscribers() == 0


async def test_another_agencys_campaign_is_not_there_and_leaves_no_subscription(
    app: Litestar, sign_in: SignIn, resources: Resources, push_service: str
) -> None:
    sender, _, _, _ = await sender_and_subscriber(sign_in, resources, push_service, 93)
    agency_id = await resources.pool.fetchval("SELECT max(id) FROM agencies")
    started = await sender.post(
        "/api/v1/agency/notification-campaigns",
        json={
            "audience": {"kind": "agency-followers"},
            "template": "bill-due",
            "params": PARAMS,
            "idempotency_key": "live-2",
        },
    )
    campaign_id = started.json()["id"]
    other = await make_agency(resources.pool, status="approved")
    stranger = await sign_in(("agency_sender", other))
    answer = await stranger.get(f"/api/v1/agency/{other}/notification-campaigns/{campaign_id}/live")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    not_member = await stranger.get(f"/api/v1/agency/{agency_id}/notification-campaigns/{campaign_id}/live")
    assert not_member.status_code == 403
    assert app.state.campaign_moves.subscribers() == 0
