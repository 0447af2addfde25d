"""The waiting room's edges (docs/waiting-room.md): a time without its zone, a suspended agency's line,
a lapsed place once the programme has closed, the turn's push living no longer than the turn, and a new
programme listed however many old ones stay open."""

from __future__ import annotations

import asyncio
import datetime as dt

from backend.core.resources import Resources
from tests.factories import make_agency
from tests.helpers.notifications import run_until_idle
from tests.helpers.programmes import Clock, new_programme, programme_body
from tests.integration.conftest import SignIn


def queue(programme_id: str) -> str:
    return f"/api/v1/programmes/{programme_id}/queue"


async def test_a_time_without_its_zone_is_refused_not_read_as_utc(
    resources: Resources, sign_in: SignIn
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    staff = await sign_in(("agency_editor", agency_id))
    naive = programme_body(opens_at="2027-01-05T08:00:00")  # meant as Bangkok's 08:00: 7 hours off as UTC
    refused = await staff.post(f"/api/v1/agency/{agency_id}/programmes", json=naive)
    assert refused.status_code == 400
    assert "opens_at" in refused.text
    mixed = programme_body(opens_at="2027-01-05T08:00:00+07:00", closes_at="2027-01-06T08:00:00")
    assert (await staff.post(f"/api/v1/agency/{agency_id}/programmes", json=mixed)).status_code == 400
    assert await resources.pool.fetchval("SELECT count(*) FROM programmes") == 0


async def test_a_suspended_agencys_line_takes_nobody_new_and_those_in_it_still_see_their_place(
    resources: Resources, sign_in: SignIn
) -> None:
    programme_id = await new_programme(resources, sign_in)
    citizen, waiting = await sign_in(), await sign_in()
    assert (await waiting.post(queue(programme_id))).status_code == 202
    await resources.pool.execute(
        "UPDATE agencies SET status = 'suspended' FROM programmes p"
        " WHERE p.id = $1::uuid AND agencies.id = p.agency_id",
        programme_id,
    )
    await resources.redis.delete("programmes:not-closed")  # the list is kept 5 s; the line's cache stays
    refused = await citizen.post(queue(programme_id))
    assert (refused.status_code, refused.json()["type"]) == (409, "/problems/programme-closed")
    assert await Clock().tick(resources, 5) == 0  # nobody let in, no turn pushed under the platform's name
    assert (await citizen.get("/api/v1/programmes")).json() == []
    # Whoever holds a place still reads the page and their place (a reference, a window told of).
    assert (await waiting.get(f"/api/v1/programmes/{programme_id}")).status_code == 200
    assert (await waiting.get(queue(programme_id))).json()["state"] == "waiting"


async def test_a_place_lapsed_after_the_programme_closed_is_shown_closed_not_offered_a_rejoin(
    resources: Resources, sign_in: SignIn
) -> None:
    programme_id = await new_programme(resources, sign_in, admission_window_seconds=60)
    citizen = await sign_in()
    assert (await citizen.post(queue(programme_id))).status_code == 202
    clock = Clock()
    clock.now -= dt.timedelta(minutes=5)  # let in five minutes ago, for one minute
    assert await clock.tick(resources, 1) == 1
    assert (await citizen.get(queue(programme_id))).json()["state"] == "lapsed"
    await resources.pool.execute(
        "UPDATE programmes SET closes_at = now() - interval '1 second' WHERE id = $1::uuid", programme_id
    )
    await resources.redis.delete(*[key async for key in resources.redis.scan_iter(match="{programme:*")])
    assert (await citizen.get(queue(programme_id))).json()["state"] == "closed"
    rejoin = await citizen.post(queue(programme_id))
    assert rejoin.json()["state"] == "closed"
    assert await resources.pool.fetchval("SELECT count(*) FROM programme_places") == 1


async def test_the_turns_push_lives_no_longer_than_the_turn(resources: Resources, sign_in: SignIn) -> None:
    programme_id = await new_programme(resources, sign_in, admission_window_seconds=600)
    citizen = await sign_in()
    assert (await citizen.post(queue(programme_id))).status_code == 202
    assert await Clock().tick(resources) == 1
    await run_until_idle(resources)
    ttl = await resources.pool.fetchval("SELECT ttl_seconds FROM notifications")
    assert 540 <= ttl <= 600  # the window left when told, not a week


async def test_a_new_programme_is_listed_however_many_old_ones_stay_open(
    resources: Resources, sign_in: SignIn
) -> None:
    old = await new_programme(resources, sign_in, opens_at="2025-01-01T00:00:00+07:00")
    await resources.pool.execute(
        """
        INSERT INTO programmes (agency_id, name_th, name_en, description_th, description_en, opens_at,
                                admit_per_second)
        SELECT agency_id, name_th, name_en, description_th, description_en,
               opens_at - make_interval(days => n), 5
        FROM programmes, generate_series(1, 120) AS n WHERE id = $1::uuid
        """,
        old,
    )
    fresh = await new_programme(resources, sign_in)
    citizen = await sign_in()
    listed = [p["id"] for p in (await citizen.get("/api/v1/programmes")).json()]
    assert len(listed) == 100
    assert listed[0] == fresh


async def test_many_joins_at_once_from_one_person_take_one_ticket(
    resources: Resources, sign_in: SignIn
) -> None:
    """Each would otherwise take a ticket before one place was written: empty tickets ahead of everyone
    joining after, whose position and wait would then look longer than they are."""
    programme_id = await new_programme(resources, sign_in)
    tapping, next_one = await sign_in(), await sign_in()
    taps = await asyncio.gather(*(tapping.post(queue(programme_id)) for _ in range(8)))
    assert {answer.status_code for answer in taps} == {202}
    assert {(answer.json()["ticket"], answer.json()["state"]) for answer in taps} == {(1, "waiting")}
    after = (await next_one.post(queue(programme_id))).json()
    assert (after["ticket"], after["position"]) == (2, 2)


async def test_the_agency_closes_registration_now_and_those_let_in_keep_their_window(
    resources: Resources, sign_in: SignIn
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    staff = await sign_in(("agency_editor", agency_id))
    made = await staff.post(f"/api/v1/agency/{agency_id}/programmes", json=programme_body(admit_per_second=1))
    programme_id = made.json()["id"]
    let_in, waiting, late = await sign_in(), await sign_in(), await sign_in()
    assert (await let_in.post(queue(programme_id))).status_code == 202
    assert await Clock().tick(resources) == 1
    assert (await waiting.post(queue(programme_id))).status_code == 202

    page = f"/api/v1/programmes/{programme_id}"
    assert (await late.get(page)).json()["status"] == "open"  # kept in Redis a few seconds for a rush
    closing = f"/api/v1/agency/{agency_id}/programmes/{programme_id}/close"
    closed = await staff.post(closing)
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert (await staff.post(closing)).json()["closes_at"] == closed.json()["closes_at"]  # closed once
    other = await make_agency(resources.pool, status="approved")
    stranger = await sign_in(("agency_editor", other))
    assert (await stranger.post(f"/api/v1/agency/{other}/programmes/{programme_id}/close")).status_code == 404

    assert (await late.get(page)).json()["status"] == "closed"  # the kept copy went with the closing
    assert (await late.post(queue(programme_id))).json()["type"] == "/problems/programme-closed"
    assert (await waiting.get(queue(programme_id))).json()["state"] == "closed"
    assert await Clock().tick(resources, 5) == 0
    assert (await let_in.post(f"/api/v1/programmes/{programme_id}/registrations")).status_code == 201
    assert programme_id not in [p["id"] for p in (await late.get("/api/v1/programmes")).json()]

    # One made by mistake is closed before it opens (a programme closes after it opens: not a 500).
    tomorrow = programme_body(opens_at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat())
    upcoming = (await staff.post(f"/api/v1/agency/{agency_id}/programmes", json=tomorrow)).json()["id"]
    cancelled = await staff.post(f"/api/v1/agency/{agency_id}/programmes/{upcoming}/close")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "closed")
