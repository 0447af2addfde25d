"""The public sender registry: each agency's official SMS sender names, link domains and contact
channels. An agency's admins list theirs; a platform admin approves or returns each entry; approved
entries of approved agencies are open data and shown beside a genuine code on the check page."""

from __future__ import annotations

import csv
import io

import msgspec

from backend.core.db import Db
from backend.core.errors import Conflict, NotFound
from backend.core.principal import Principal
from backend.core.resources import Resources
from backend.genuine import queries
from backend.genuine.schemas import (
    NewSenderEntry,
    OpenSender,
    SenderEntry,
    SenderEntryInReview,
    SenderEntryReturn,
)


async def entries(resources: Resources, agency_id: int) -> list[SenderEntry]:
    return [
        msgspec.convert(row, SenderEntry, from_attributes=True)
        for row in await queries.entries_of(resources.pool, agency_id)
    ]


async def add(resources: Resources, agency_id: int, data: NewSenderEntry) -> SenderEntry:
    row = await queries.insert_entry(
        resources.pool, agency_id, data.kind, data.value, data.note_th, data.note_en
    )
    if row is None:
        raise Conflict("Your agency already lists this channel.")
    return msgspec.convert(row, SenderEntry, from_attributes=True)


async def remove(resources: Resources, agency_id: int, entry_id: int) -> None:
    if not await queries.delete_entry(resources.pool, agency_id, entry_id):
        raise NotFound("Your agency has no such entry.")


async def in_review(resources: Resources) -> list[SenderEntryInReview]:
    return [
        msgspec.convert(row, SenderEntryInReview, from_attributes=True)
        for row in await queries.pending(resources.pool)
    ]


async def approve(resources: Resources, entry_id: int, principal: Principal) -> SenderEntryInReview:
    return await _review(resources.pool, entry_id, "approved", None, principal)


async def send_back(
    resources: Resources, entry_id: int, data: SenderEntryReturn, principal: Principal
) -> SenderEntryInReview:
    return await _review(resources.pool, entry_id, "returned", data.comment, principal)


async def _review(
    db: Db, entry_id: int, status: str, comment: str | None, principal: Principal
) -> SenderEntryInReview:
    row = await queries.review(db, entry_id, status, comment, principal.citizen_id)
    if row is None:
        raise NotFound("No entry with this number is waiting for review.")
    return msgspec.convert(row, SenderEntryInReview, from_attributes=True)


async def published(resources: Resources, agency_code: str | None = None) -> list[OpenSender]:
    return [
        msgspec.convert(row, OpenSender, from_attributes=True)
        for row in await queries.published(resources.pool, agency_code)
    ]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: object) -> str:
    """Spreadsheet programs run cells that start like formulas (a LINE ID starts with @, a phone with
    +): a leading quote keeps them text, as the catalogue's export does."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def published_csv(senders: list[OpenSender]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    columns = [field.name for field in msgspec.structs.fields(OpenSender)]
    writer.writerow(columns)
    for sender in senders:
        writer.writerow([_csv_safe(getattr(sender, column)) for column in columns])
    return buffer.getvalue()
