"""Help at a counter pushed to the two screens waiting on it (migration 0044, backend/delegation/live.py):
the citizen's phone hears its grants' listing when the counter asks, when help starts and when it ends;
the counter hears its sessions until the citizen confirmed; each stream ends once nothing waits."""

from __future__ import annotations

import json
from typing import Any

from litestar import Litestar

from backend.core.resources import Resources
from backend.delegation.live import DelegationChanges
from tests.helpers.assisted import POINT, counter_world, enter_code, new_code
from tests.helpers.sse import EventStream, event_stream
from tests.integration.conftest import SignIn

MINE = "/api/v1/me/delegations/live"
COUNTER = "/api/v1/counter/sessions/live"


async def _data(stream: EventStream) -> dict[str, Any] | None:
    data = await stream.next_data()
    return None if data is None else dict(json.loads(data))


async def _assisted(stream: EventStream) -> list[tuple[str, str]] | None:
    """The citizen's counter grants in the event, as (id, status); None once the stream ended."""
    listing = await _data(stream)
    if listing is None:
        return None
    return [(grant["id"], grant["status"]) for grant in listing["given"] if grant["kind"] == "assisted"]


async def test_the_citizen_hears_the_request_and_the_counter_hears_the_confirmation_then_both_end(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources)
    somchai, somsri = world["somchai"], world["somsri"]
    changes: DelegationChanges = app.state.delegation_changes
    async with event_stream(app, COUNTER, somsri) as counter:
        assert counter.status == 200
        # Nothing waits for her yet: the listing once, then the end (EventSource is closed by the page).
        assert await _data(counter) == {"sessions": []}
        assert await _data(counter) is None

    body = {"national_id": world["national_id"], "service_point": POINT}
    asked = (await somsri.post("/api/v1/counter/sessions", json=body)).json()
    async with event_stream(app, MINE, somchai) as mine, event_stream(app, COUNTER, somsri) as counter:
        assert await _assisted(mine) == [(asked["id"], "invited")]
        first = await _data(counter)
        assert first is not None
        assert [(s["id"], s["status"], s["citizen_name_th"]) for s in first["sessions"]] == [
            (asked["id"], "invited", None)
        ]
        assert changes.subscribers() == 2

        confirmed = await somchai.post(
            f"/api/v1/me/assisted/{asked['id']}/confirm", json={"scopes": ["bills"]}
        )
        assert confirmed.status_code == 200, confirmed.text
        assert await _assisted(mine) == [(asked["id"], "active")]
        agreed = await _data(counter)
        assert agreed is not None
        assert [(s["status"], s["citizen_name_th"]) for s in agreed["sessions"]] == [("active", "สมชาย ใจดี")]
        assert await _data(counter) is None, "nothing waits for the counter once he confirmed"

        ended = await somsri.post(f"/api/v1/me/delegations/{asked['id']}/end", json={"reason": ""})
        assert ended.status_code == 200, ended.text
        assert await _assisted(mine) == [(asked["id"], "ended")]
        assert await _assisted(mine) is None, "the help ended: nothing waits for his phone"
    assert changes.subscribers() == 0


async def test_a_code_waits_for_the_counter_until_it_is_typed_and_the_hour_ends_the_stream(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    world = await counter_world(app, sign_in, resources, seed=302)
    code = await new_code(world)
    async with event_stream(app, MINE, world["somchai"]) as mine:
        assert await _assisted(mine) == [], "the code waits: the stream stays"
        started = await enter_code(world, code)
        assert started.status_code == 201, started.text
        grant = started.json()["id"]
        assert await _assisted(mine) == [(grant, "active")]
        # The hour, brought forward: the stream reads once more when it is up, and ends.
        await resources.pool.execute(
            "UPDATE delegations SET ends_at = now() + interval '2 seconds' WHERE id = $1::uuid", grant
        )
        assert await _assisted(mine) == [(grant, "active")]  # its new end, heard (an ends_at changed)
        assert await _assisted(mine) == [(grant, "ended")]
        assert await _assisted(mine) is None
    assert app.state.delegation_changes.subscribers() == 0


async def test_a_citizen_with_nothing_waiting_gets_the_listing_once_and_the_stream_ends(
    app: Litestar, sign_in: SignIn, resources: Resources
) -> None:
    citizen = await sign_in()
    async with event_stream(app, MINE, citizen) as mine:
        listing = await _data(mine)
        assert listing is not None
        assert (listing["given"], listing["received"]) == ([], [])
        assert listing == (await citizen.get("/api/v1/me/delegations")).json(), "as the listing says it"
        assert await _data(mine) is None
    assert app.state.delegation_changes.subscribers() == 0
