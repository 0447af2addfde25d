"""Every message's verification code, given by whoever is wired to seal them (the genuine-messages
feature, backend/genuine): a registry rather than an import, so that notifications does not depend on
the feature above it. Messages written with nothing wired (a bare test) simply carry no code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence

import msgspec

from backend.core.db import Connection
from notifications.queries.campaigns import Campaign


class ToSeal(msgspec.Struct, kw_only=True, frozen=True):
    """A message about to be written: who sends it, to whom (a citizen, or a national ID's lookup hash
    while it is held), when it reaches the inbox, and what it says."""

    agency_id: int
    citizen_id: str | None
    held_for: bytes | None
    sent_at: dt.datetime
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    url: str | None


def of_texts(
    agency_id: int,
    citizen_id: str | None,
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


def of_campaign(campaign: Campaign, citizen_id: str, sent_at: dt.datetime) -> ToSeal:
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
_sealers: list[Sealer] = []


def seal_messages_with(sealer: Sealer) -> None:
    """The one sealer (a later call replaces it: each app a test builds wires its own)."""
    _sealers[:] = [sealer]


async def codes_for(connection: Connection, messages: Sequence[ToSeal]) -> list[str | None]:
    """One code per message, in order, sealed in the caller's transaction."""
    if not _sealers or not messages:
        return [None] * len(messages)
    return list(await _sealers[0](connection, messages))
