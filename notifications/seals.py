"""Every message's verification code, given by whoever is wired to seal them (the genuine-messages
feature, backend/genuine): a registry rather than an import, so that notifications does not depend on
the feature above it. Messages written with nothing wired (a bare test) simply carry no code.

A sealer holds its app's signing keys, and one process may hold several apps (tests build many, each
with keys of its own): each app and worker registers its sealer for its own pool, and the work done on
that pool is sealed by it; ``wire_features``' sealer serves work on any other pool."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Sequence

import msgspec

from backend.core.db import Connection, Pool
from backend.core.tasks import UnitOfWork
from notifications.queries.campaigns import Campaign


class ToSeal(msgspec.Struct, kw_only=True, frozen=True):
    """A message about to be written: who sends it, to whom (a citizen, or a national ID's lookup hash
    while it is held), when it reaches the inbox, and what it says."""

    agency_id: int
    citizen_id: uuid.UUID | None
    held_for: bytes | None
    sent_at: dt.datetime
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    url: str | None


def of_texts(
    agency_id: int,
    citizen_id: uuid.UUID | None,
    held_for: bytes | None,
    sent_at: dt.datetime,
    texts: dict[str, str],
    url: str | None,
) -> ToSeal:
    return ToSeal(
        agency_id=agency_id,
        citizen_id=citizen_id,
        held_for=held_for,
        sent_at=sent_at,
        title_th=texts["title_th"],
        title_en=texts["title_en"],
        body_th=texts["body_th"],
        body_en=texts["body_en"],
        url=url,
    )


def of_campaign(campaign: Campaign, citizen_id: uuid.UUID, sent_at: dt.datetime) -> ToSeal:
    # Retention purges a campaign's body only once it is expanded.
    assert campaign.body_th is not None
    assert campaign.body_en is not None
    return ToSeal(
        agency_id=campaign.agency_id,
        citizen_id=citizen_id,
        held_for=None,
        sent_at=sent_at,
        title_th=campaign.title_th,
        title_en=campaign.title_en,
        body_th=campaign.body_th,
        body_en=campaign.body_en,
        url=campaign.url,
    )


Sealer = Callable[[Connection, Sequence[ToSeal]], Awaitable[list[str]]]
_default: list[Sealer] = []
_by_pool: dict[int, tuple[Pool, Sealer]] = {}  # by id(): asyncpg pools take no weak references


def seal_messages_with(sealer: Sealer, *, pool: Pool | None = None) -> None:
    """The sealer for work on ``pool``, or for any other work (a later call replaces it)."""
    if pool is None:
        _default[:] = [sealer]
    else:
        _by_pool[id(pool)] = (pool, sealer)


def forget_pool(pool: Pool) -> None:
    """When the app or worker that registered for ``pool`` stops."""
    _by_pool.pop(id(pool), None)


async def codes_for(work: UnitOfWork, messages: Sequence[ToSeal]) -> list[str | None]:
    """One code per message, in order, sealed in the work's transaction."""
    registered = _by_pool.get(id(work.pool)) if work.pool is not None else None
    sealer = registered[1] if registered else (_default[0] if _default else None)
    if sealer is None or not messages:
        return [None] * len(messages)
    return list(await sealer(work.connection, messages))
