"""The waiting room (docs/waiting-room.md): one place per citizen, first come first served under
concurrent joins, let in at the programme's pace, one registration per citizen, and nothing lost or
reordered when Redis restarts empty."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import httpx

from backend.core.resources import Resources
from backend.programmes.line import line_key
from notifications.queries import upsert_subscription
from tests.helpers.notifications import run_until_idle
from tests.helpers.programmes import Clock, new_programme
from tests.integration.conftest import SignIn


def queue(programme_id: str) -> str:
    return f"/api/v1/programmes/{programme_id}/queue"


def registrations(programme_id: str) -> str:
    return f"/api/v1/programmes/{programme_id}/registrations"


async def join_all(people: list[httpx.AsyncClient], programme_id: str) -> list[int]:
    joined = await asyncio.gather(*(person.post(queue(programme_id)) for person in people))
    assert all(answer.status_code == 202 for answer in joined), [
        a.text for a in joined if a.status_code != 202
    ]
    return [answer.json()["ticket"] for answer in joined]


async def admitted_tickets(resources: Resources, programme_id: str) -> list[int]:
    rows = await resources.pool.fetch(
        "SELECT ticket FROM programme_places WHERE programme_id = $1::uuid AND admitted_at IS NOT NULL"
        " ORDER BY ticket",
        programme_id,
    )
    return [row["ticket"] for row in rows]


async def test_an_agencys_programme_is_listed_for_citizens_with_when_it_opens(
    resources: Resources, sign_in: SignIn
) -> None:
    opens = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    upcoming = await new_programme(resources, sign_in, opens_at=opens.isoformat())
    open_now = await new_programme(resources, sign_in)
    citizen = await sign_in()
    listed = {p["id"]: p for p in (await citizen.get("/api/v1/programmes")).json()}
    assert listed[upcoming]["status"] == "upcoming"
    assert dt.datetime.fromisoformat(listed[upcoming]["opens_at"]) == opens
    assert listed[open_now]["status"] == "open"
    assert listed[open_now]["name_th"] == "โครงการเติมเงินดิจิทัล"


async def test_joining_before_it_opens_or_after_it_closes_is_refused(
    resources: Resources, sign_in: SignIn
) -> None:
    now = dt.datetime.now(dt.UTC)
    upcoming = await new_programme(resources, sign_in, opens_at=(now + dt.timedelta(minutes=5)).isoformat())
    closed = await new_programme(
        resources,
        sign_in,
        opens_at=(now - dt.timedelta(hours=2)).isoformat(),
        closes_at=(now - dt.timedelta(hours=1)).isoformat(),
    )
    citizen = await sign_in()
    early = await citizen.post(queue(upcoming))
    assert early.status_code == 409
    assert early.json()["type"] == "/problems/programme-not-open"
    late = await citizen.post(queue(closed))
    assert late.status_code == 409
    assert late.json()["type"] == "/problems/programme-closed"
    assert await resources.pool.fetchval("SELECT count(*) FROM programme_places") == 0
    assert (await citizen.get(queue(upcoming))).status_code == 404


async def test_joining_again_answers_the_same_ticket(resources: Resources, sign_in: SignIn) -> None:
    programme_id = await new_programme(resources, sign_in)
    first, second = await sign_in(), await sign_in()
    mine = await join_all([first], programme_id)
    assert await join_all([second], programme_id) == [mine[0] + 1]
    again = await asyncio.gather(*(first.post(queue(programme_id)) for _ in range(5)))
    assert {answer.json()["ticket"] for answer in again} == {mine[0]}
    state = (await second.get(queue(programme_id))).json()
    assert state["state"] == "waiting"
    assert state["position"] == 2
    assert state["eta_seconds"] == 1  # two people ahead at five a second
    assert state["poll_after_seconds"] >= 5
    assert await resources.pool.fetchval("SELECT count(*) FROM programme_places") == 2


async def test_concurrent_joins_get_distinct_tickets_and_are_let_in_in_that_order(
    resources: Resources, sign_in: SignIn
) -> None:
    programme_id = await new_programme(resources, sign_in, admit_per_second=5)
    people = [await sign_in() for _ in range(30)]
    tickets = await join_all(people, programme_id)
    assert sorted(tickets) == list(range(1, 31))
    clock = Clock()
    # Open for an hour with nobody let in yet: two seconds' worth at most, never the hour's.
    assert await clock.tick(resources, 1) == 10
    assert await admitted_tickets(resources, programme_id) == list(range(1, 11))
    assert await clock.tick(resources, 1) == 5
    assert await clock.tick(resources, 0.5) == 2  # the pace holds: half a second lets in two more
    assert await clock.tick(resources, 0.5) == 3  # and the half person carried over
    assert await admitted_tickets(resources, programme_id) == list(range(1, 21))
    by_ticket = dict(zip(tickets, people, strict=True))
    admitted = (await by_ticket[20].get(queue(programme_id))).json()
    assert admitted["state"] == "admitted"
    assert admitted["admitted_until"] is not None
    waiting = (await by_ticket[25].get(queue(programme_id))).json()
    assert waiting["state"] == "waiting"
    assert waiting["position"] == 5


async def test_one_registration_per_citizen_only_while_admitted(
    resources: Resources, sign_in: SignIn
) -> None:
    opens = dt.datetime.now(dt.UTC) - dt.timedelta(milliseconds=1)
    programme_id = await new_programme(resources, sign_in, admit_per_second=1, opens_at=opens.isoformat())
    first, second = await sign_in(), await sign_in()
    await join_all([first], programme_id)
    await join_all([second], programme_id)
    early = await second.post(registrations(programme_id))
    assert early.status_code == 409
    assert early.json()["type"] == "/problems/not-your-turn"
    stranger = await sign_in()
    assert (await stranger.post(registrations(programme_id))).status_code == 404
    assert await Clock(opens).tick(resources, 1) == 1  # a second after opening: the first only
    submits = await asyncio.gather(*(first.post(registrations(programme_id)) for _ in range(8)))
    assert sorted(answer.status_code for answer in submits) == [200] * 7 + [201]
    assert len({answer.json()["reference"] for answer in submits}) == 1
    assert await resources.pool.fetchval("SELECT count(*) FROM programme_registrations") == 1
    state = (await first.get(queue(programme_id))).json()
    assert state["state"] == "registered"
    assert state["reference"] == submits[0].json()["reference"]
    still = await second.post(registrations(programme_id))
    assert still.status_code == 409


async def test_a_registration_turned_away_at_the_windows_end_is_taken_when_it_comes_back_soon(
    resources: Resources, sign_in: SignIn
) -> None:
    """A submit refused by the door in the window's last seconds comes back after its Retry-After."""
    programme_id = await new_programme(resources, sign_in, admission_window_seconds=60)
    citizen = await sign_in()
    await join_all([citizen], programme_id)
    clock = Clock()
    clock.now -= dt.timedelta(seconds=70)  # let in 70 s ago for a minute: the window ended 10 s ago
    assert await clock.tick(resources, 1) == 1
    await run_until_idle(resources)
    assert (await citizen.get(queue(programme_id))).json()["state"] == "admitted"  # the button, still
    assert (await citizen.post(registrations(programme_id))).status_code == 201
    assert await resources.pool.fetchval("SELECT count(*) FROM programme_registrations") == 1

    # Joining again in the grace (a tap on an old screen, at once with registering) gives no turn away.
    other = await sign_in()
    await join_all([other], programme_id)
    assert await clock.tick(resources, 1) == 1  # a second after the first: its window too ended just now
    answers = await asyncio.gather(other.post(registrations(programme_id)), other.post(queue(programme_id)))
    assert answers[0].status_code == 201, answers[0].text
    assert answers[1].json()["state"] in {"admitted", "registered"}
    assert await resources.pool.fetchval("SELECT count(*) FROM programme_registrations") == 2
    requeued = "SELECT count(*) FROM programme_places WHERE admitted_until IS NULL"
    assert await resources.pool.fetchval(requeued) == 0


async def test_the_cached_line_is_rebuilt_from_postgresql_within_a_minute(
    resources: Resources, sign_in: SignIn
) -> None:
    """A copy left stale (its write lost after a tick's commit, or an older rebuild landing after a newer
    tick) cannot keep showing "waiting" to someone already let in: it expires, and a poll rebuilds it."""
    programme_id = await new_programme(resources, sign_in)
    citizen = await sign_in()
    await join_all([citizen], programme_id)
    assert await Clock().tick(resources, 1) == 1
    key = line_key(uuid.UUID(programme_id))
    assert 0 < await resources.redis.ttl(key) <= 60
    await resources.redis.delete(key)  # as when it has expired
    assert (await citizen.get(queue(programme_id))).json()["state"] == "admitted"


async def test_a_place_lapses_when_its_window_runs_out(resources: Resources, sign_in: SignIn) -> None:
    programme_id = await new_programme(resources, sign_in, admission_window_seconds=60)
    citizen = await sign_in()
    await join_all([citizen], programme_id)
    clock = Clock()
    clock.now -= dt.timedelta(minutes=5)  # let in five minutes ago, for one minute
    assert await clock.tick(resources, 1) == 1
    await run_until_idle(resources)  # told of the turn
    late = await citizen.post(registrations(programme_id))
    assert late.status_code == 409
    assert late.json()["type"] == "/problems/admission-lapsed"
    lapsed = (await citizen.get(queue(programme_id))).json()
    assert lapsed["state"] == "lapsed"
    assert await resources.pool.fetchval("SELECT count(*) FROM programme_registrations") == 0

    # Joining again (a double tap too) puts them at the back of the line once, behind whoever came since;
    # let in again, they register, with a turn message of its own.
    later = await sign_in()
    await join_all([later], programme_id)
    again = await asyncio.gather(*(citizen.post(queue(programme_id)) for _ in range(3)))
    assert {answer.json()["state"] for answer in again} == {"waiting"}
    assert len({answer.json()["ticket"] for answer in again}) == 1
    assert again[0].json()["ticket"] > lapsed["ticket"]
    assert await Clock().tick(resources, 2) == 2
    assert await admitted_tickets(resources, programme_id) == sorted(
        [lapsed["ticket"] + 1, again[0].json()["ticket"]]
    )
    registered = await citizen.post(registrations(programme_id))
    assert registered.status_code == 201
    assert (await citizen.post(queue(programme_id))).json()["state"] == "registered"
    await run_until_idle(resources)
    me = (await citizen.get("/api/v1/me")).json()["id"]
    turns = await resources.pool.fetchval(
        "SELECT count(*) FROM notifications n JOIN notification_bodies b ON b.notification_id = n.id "
        "WHERE n.citizen_id = $1::uuid AND b.url = $2",
        me,
        f"/programmes/{programme_id}",
    )
    assert turns == 2  # its first turn and its second


async def test_the_person_let_in_is_told_in_thai_and_english_with_the_time(
    resources: Resources, sign_in: SignIn
) -> None:
    programme_id = await new_programme(resources, sign_in)
    citizen = await sign_in()
    await join_all([citizen], programme_id)
    await Clock().tick(resources)
    await run_until_idle(resources)
    await Clock().tick(resources)  # a later tick tells nobody twice
    await run_until_idle(resources)
    rows = await resources.pool.fetch(
        "SELECT n.title_th, b.body_th, b.body_en, b.url FROM notifications n "
        "JOIN notification_bodies b ON b.notification_id = n.id"
    )
    assert len(rows) == 1
    until = dt.datetime.fromisoformat((await citizen.get(queue(programme_id))).json()["admitted_until"])
    clock = until.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%H:%M")
    assert rows[0]["title_th"] == "ถึงคิวของคุณแล้ว: โครงการเติมเงินดิจิทัล"
    assert f"ก่อนเวลา {clock} น." in rows[0]["body_th"]
    assert clock in rows[0]["body_en"]
    assert rows[0]["url"] == f"/programmes/{programme_id}"


async def forget_waiting_room(resources: Resources) -> None:
    """What a Redis restarted empty loses of the waiting room: its counter, line and cached places (the
    sessions it loses too are not the waiting room's; these tests' people stay logged in)."""
    keys = [key async for key in resources.redis.scan_iter(match="{programme:*")]
    assert keys
    await resources.redis.delete(*keys)


async def test_a_redis_restart_loses_no_place_and_reorders_none(
    resources: Resources, sign_in: SignIn
) -> None:
    programme_id = await new_programme(resources, sign_in, admit_per_second=2)
    before = [await sign_in() for _ in range(6)]
    tickets_before = await join_all(before, programme_id)
    clock = Clock()
    await clock.tick(resources)  # four let in (two seconds' worth, as the first tick since opening)
    await forget_waiting_room(resources)
    after = [await sign_in() for _ in range(6)]
    tickets_after = await join_all(after, programme_id)
    assert sorted(tickets_after) == list(range(7, 13))  # behind everyone already in line
    assert await join_all(before, programme_id) == tickets_before  # the same places, read back
    states = [(await person.get(queue(programme_id))).json() for person in before]
    in_order = [state["state"] for state in sorted(states, key=lambda state: state["ticket"])]
    assert in_order == ["admitted"] * 4 + ["waiting"] * 2
    while await clock.tick(resources):
        pass
    order = await resources.pool.fetch(
        "SELECT ticket FROM programme_places WHERE programme_id = $1::uuid ORDER BY admitted_at, ticket",
        programme_id,
    )
    assert [row["ticket"] for row in order] == list(range(1, 13))


async def test_a_poll_reads_redis_alone_while_its_cache_holds(resources: Resources, sign_in: SignIn) -> None:
    programme_id = await new_programme(resources, sign_in)
    citizen = await sign_in()
    await join_all([citizen], programme_id)
    assert (await citizen.get(queue(programme_id))).status_code == 200  # the line cached
    # With the programme's tables locked against every reader, a poll that touched them would hang.
    async with resources.pool.acquire() as holder, holder.transaction():
        await holder.execute(
            "LOCK TABLE programmes, programme_places, programme_registrations IN ACCESS EXCLUSIVE MODE"
        )
        polled = await asyncio.wait_for(citizen.get(queue(programme_id)), timeout=5)
    assert polled.status_code == 200
    assert polled.json()["position"] == 1


async def test_a_counter_restored_from_an_old_snapshot_puts_nobody_into_a_gap_ahead(
    resources: Resources, sign_in: SignIn
) -> None:
    programme_id = await new_programme(resources, sign_in)
    await join_all([await sign_in() for _ in range(6)], programme_id)
    # Ticket 5 never became a place (its join failed after taking it), all joined a minute ago, and
    # Redis came back from a snapshot taken when the counter stood at 2.
    await resources.pool.execute(
        "DELETE FROM programme_places WHERE programme_id = $1::uuid AND ticket = 5", programme_id
    )
    await resources.pool.execute("UPDATE programme_places SET joined_at = joined_at - interval '1 minute'")
    keys = [key async for key in resources.redis.scan_iter(match="{programme:*:tickets")]
    await resources.redis.set(keys[0], 2)
    later = await join_all([await sign_in() for _ in range(4)], programme_id)
    assert sorted(later) == [7, 8, 9, 10]


async def test_the_turn_passes_quiet_hours_as_its_window_would_not_wait(
    resources: Resources, sign_in: SignIn
) -> None:
    """Held back by quiet hours, "your turn" would arrive after the ten minutes to register had gone;
    the citizen asked for it by joining, so it goes at once (the platform's reserved "turns")."""
    programme_id = await new_programme(resources, sign_in)
    citizen = await sign_in()
    await upsert_subscription(
        resources.pool, citizen_id=(await citizen.get("/api/v1/me")).json()["id"],
        endpoint=f"https://push.example.org/{uuid.uuid4().hex}", p256dh="B" + "A" * 86, auth="A" * 22,
        user_agent="test",
    )  # fmt: skip
    quiet_all_day = {"quiet_hours": {"start": "00:00:00", "end": "23:59:00"}}
    assert (await citizen.put("/api/v1/me/notification-preferences", json=quiet_all_day)).status_code == 200
    await join_all([citizen], programme_id)
    await Clock().tick(resources)
    await run_until_idle(resources)  # the push itself fails: push.example.org is no push service here
    row = await resources.pool.fetchrow("SELECT urgency, status, status_reason FROM notifications")
    assert row is not None
    assert row["urgency"] == "high"
    assert not (row["status_reason"] or "").startswith("Quiet hours"), dict(row)
