"""What every citizen shares is kept in each process and dropped through Redis pub/sub
(backend/core/shared.py): a change made through one replica shows on another, and a replica whose
subscription is lost (Redis restarted, the connection killed) drops its copies rather than serve them."""

from __future__ import annotations

from typing import Any

import httpx

from backend.core.resources import Resources
from backend.core.shared import LocalCopy, Shared
from backend.server.app import create_app
from backend.settings import Settings
from tests.conftest import serve_in_process
from tests.factories import make_agency
from tests.helpers.catalogue import tile
from tests.helpers.shared import eventually, kill_subscriptions, subscribed
from tests.integration.conftest import SignIn


async def _total(replica: httpx.AsyncClient) -> Any:
    return (await replica.get("/api/v1/tiles")).json()["total"]


async def test_a_publication_through_one_replica_shows_on_another_and_a_lost_subscription_drops_the_copy(
    sign_in: SignIn, resources: Resources, settings: Settings
) -> None:
    agency_id = await make_agency(resources.pool, status="approved")
    admin = await sign_in(("platform_admin", None))
    editor = await sign_in(("agency_editor", agency_id))
    other_app = create_app(settings)
    async with serve_in_process(other_app) as other_replica:
        shared: Shared = other_app.state.shared
        await subscribed(shared)
        assert await _total(other_replica) == 0  # now kept in that replica

        created = await editor.post(f"/api/v1/agency/{agency_id}/tiles", json=tile())
        tile_id = created.json()["id"]
        assert (await editor.post(f"/api/v1/agency/{agency_id}/tiles/{tile_id}/submit")).status_code == 200
        assert (await admin.post(f"/api/v1/admin/tiles/{tile_id}/publish")).status_code == 200
        assert await eventually(lambda: _total(other_replica), 1) == 1

        # A change nobody published (as one published while the replica was not listening): the copy
        # is served as it is, which is what a lost subscription would leave...
        await resources.pool.execute("UPDATE agencies SET status = 'suspended' WHERE id = $1", agency_id)
        assert await _total(other_replica) == 1
        # ...so losing it drops the copy, and the replica listens again.
        before = shared.subscriptions
        assert await kill_subscriptions(resources.redis) >= 1
        assert await eventually(lambda: _total(other_replica), 0) == 0
        await subscribed(shared, after=before)
        assert await _total(other_replica) == 0


async def test_a_copy_read_while_not_listening_is_kept_at_most_a_moment(resources: Resources) -> None:
    """Before the subscription is made (or while it is lost) nothing is heard: what is read is kept
    only ``UNHEARD_SECONDS``."""
    shared = Shared(resources.redis)  # never started: never listening
    copy: LocalCopy[int] = shared.copy("test")
    reads = 0

    async def read() -> int:
        nonlocal reads
        reads += 1
        return reads

    assert await copy.get_or_read(read) == 1
    assert await copy.get_or_read(read) == 1  # within the moment
    copy._kept_at -= 5  # a few seconds later
    assert await copy.get_or_read(read) == 2
