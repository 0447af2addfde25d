"""Session lifetimes in Redis: idle expiry, absolute expiry, and the per-citizen index."""

from __future__ import annotations

import json
import uuid
from typing import Any

from backend.core.resources import Resources
from backend.identity.sessions import SessionStore

C1 = uuid.UUID("00000000-0000-4000-8000-0000000000c1")
C2 = uuid.UUID("00000000-0000-4000-8000-0000000000c2")


def _store(resources: Resources, *, idle: int = 1800, absolute: int = 43200) -> SessionStore:
    return SessionStore(resources.redis, idle_seconds=idle, absolute_seconds=absolute)


async def _create(store: SessionStore, citizen_id: uuid.UUID = C1) -> str:
    token, _ = await store.create(
        citizen_id, acr=None, amr=[], auth_time=None, user_agent="ua", ip_address="127.0.0.1"
    )
    return token


async def test_a_session_lives_in_redis_for_the_idle_time_and_never_under_its_cookie_value(
    resources: Resources,
) -> None:
    store = _store(resources, idle=600)
    token = await _create(store)
    keys = [
        key.decode() if isinstance(key, bytes) else key for key in await resources.redis.keys("session:*")
    ]
    assert len(keys) == 1
    assert token not in keys[0]
    assert 590 <= await resources.redis.ttl(keys[0]) <= 600
    assert (await store.load(token)) is not None


async def test_a_session_past_its_absolute_lifetime_is_gone_even_if_used_constantly(
    resources: Resources,
) -> None:
    store = _store(resources)
    token = await _create(store)
    key = (await resources.redis.keys("session:*"))[0]
    stored = json.loads(await resources.redis.get(key) or b"{}")
    stored["absolute_expires_at"] -= 43201
    await resources.redis.set(key, json.dumps(stored))
    assert await store.load(token) is None
    assert await store.list_for(C1) == []
    assert await resources.redis.exists(key) == 0


async def test_an_idle_session_expires_and_drops_out_of_the_list(resources: Resources) -> None:
    store = _store(resources)
    kept, dropped = await _create(store), await _create(store)
    await resources.redis.delete((await resources.redis.keys("session:*"))[0])  # as Redis expiry would
    live = await store.list_for(C1)
    assert len(live) == 1
    assert (await store.load(kept) is None) != (await store.load(dropped) is None)
    assert await resources.redis.hlen(f"session-index:{{{C1}}}") == 1


async def test_ending_all_sessions_leaves_other_citizens_alone(resources: Resources) -> None:
    store = _store(resources)
    mine, theirs = await _create(store, C1), await _create(store, C2)
    assert await store.end_all(C1) == 1
    assert await store.load(mine) is None
    assert await store.load(theirs) is not None


async def test_a_citizens_sessions_and_their_list_share_one_cluster_slot(resources: Resources) -> None:
    store = _store(resources)
    await _create(store, C1)
    keys = {
        key.decode() if isinstance(key, bytes) else key for key in await resources.redis.keys(f"*{{{C1}}}*")
    }
    assert {key.split(":")[0] for key in keys} == {"session", "session-index"}
    assert all(f"{{{C1}}}" in key for key in keys)  # the hash tag: Redis Cluster puts them in one slot


async def test_sessions_listed_before_the_hash_tag_are_still_listed_and_ended(resources: Resources) -> None:
    store = _store(resources)
    token = await _create(store, C1)
    tagged = f"session-index:{{{C1}}}"
    listed: dict[Any, Any] = await resources.redis.hgetall(tagged)
    await resources.redis.delete(tagged)
    await resources.redis.hset(f"session-index:{C1}", mapping=listed)  # as an older release kept it
    (session,) = await store.list_for(C1)
    assert await store.end(C1, session.public_id)
    assert await store.load(token) is None
    assert await resources.redis.exists(f"session-index:{C1}") == 0
    await _create(store, C1)
    listed = dict(await resources.redis.hgetall(tagged))
    await resources.redis.hset(f"session-index:{C1}", mapping=listed)
    assert await store.end_all(C1) == 1  # listed in both lists, one session
    assert await resources.redis.keys(f"*{C1}*") == []
