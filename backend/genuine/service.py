"""Genuine messages' services: agencies registering the messages they send through their own channels
(SMS, letters, email), and anyone checking a code. Sealing the platform's own messages is
``sealing.MessageSealer``, wired into notifications by the composition root."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

import msgspec
from litestar import Request

from backend.core.db import Pool
from backend.core.errors import AppError, Conflict, NotFound, invalid
from backend.core.principal import Principal
from backend.core.ratelimit import Bucket
from backend.core.resources import Resources
from backend.core.tasks import unit_of_work
from backend.genuine import codes, queries, statement
from backend.genuine.context import Genuine
from backend.genuine.queries import SealFound
from backend.genuine.schemas import MessageCheck, MessageCode, NewMessageCode
from backend.identity import queries as identity_queries
from backend.identity.service import Identity
from notifications.sends import sending_agency
from notifications.service import enqueue_notification

_CHANNEL_WORDS = {
    "sms": ("ส่ง SMS ถึงท่าน", "sent you an SMS"),
    "letter": ("ส่งจดหมายถึงท่าน", "sent you a letter"),
    "email": ("ส่งอีเมลถึงท่าน", "sent you an email"),
}


async def register(
    genuine: Genuine, resources: Resources, identity: Identity, principal: Principal, data: NewMessageCode
) -> tuple[MessageCode, bool]:
    """(the code, created now). The same idempotency key and body give the same code back; the citizen's
    inbox says the agency sent them this (held until their first login if they have not used the app)."""
    if (data.text is None) == (data.text_sha256 is None):
        raise invalid("text", "give the message's text or its text_sha256, not both")
    agency_id = await sending_agency(principal, identity, resources, data.agency_id)
    id_hash = identity.cipher.lookup_hash(data.national_id)
    # The request with the national ID's lookup hash in its place: a key reused for someone else conflicts.
    unnamed = msgspec.structs.asdict(data) | {"national_id": id_hash.hex(), "agency_id": agency_id}
    digest = hashlib.sha256(msgspec.json.encode(unnamed)).digest()
    async with unit_of_work(genuine.pool, genuine.queue) as work:
        await queries.lock_key(work.connection, agency_id, data.idempotency_key)
        earlier = await queries.registered_by_key(work.connection, agency_id, data.idempotency_key)
        if earlier is not None:
            if earlier.request_hash != digest:
                raise Conflict("This idempotency key was used for a different message.")
            return _answer(genuine, earlier.code, earlier.channel, earlier.sent_at), False
        sender, name_th, name_en = await queries.agency_names(work.connection, agency_id)
        now = dt.datetime.now(dt.UTC)
        seal = genuine.sealer.seal(
            agency_id=agency_id,
            sender=sender,
            national_id_hash=id_hash,
            channel=data.channel,
            sent_at=now,
            text_hash=data.text_sha256 or statement.text_sha256(data.text or ""),
            text=data.text,
        )
        await queries.insert_seals(work.connection, [seal])
        await queries.mark_registered(work.connection, seal.code, agency_id, data.idempotency_key, digest)
        citizen_id = await identity_queries.citizen_id_by_hash(work.connection, id_hash)
        said_th, said_en = _CHANNEL_WORDS[data.channel]
        shown = codes.grouped(seal.code)
        await enqueue_notification(
            work,
            citizen_id=citizen_id,
            held_for=id_hash if citizen_id is None else None,
            agency_id=agency_id,
            category="general",
            template_id=None,
            texts={
                "title_th": f"{name_th} {said_th}",
                "title_en": f"{name_en} {said_en}",
                "body_th": f"ข้อความที่มีรหัสตรวจสอบ {shown} มาจาก{name_th}จริง" + _quoted(data.text),
                "body_en": f"A message with the verification code {shown} is really from {name_en}."
                + _quoted(data.text),
            },
            url=f"/m/{shown}",
            urgency="normal",
            ttl_seconds=86_400,
            idempotency_key=f"message-code:{data.idempotency_key}",
            request_hash=digest,
        )
    return _answer(genuine, seal.code, seal.channel, seal.sent_at), True


def _quoted(text: str | None) -> str:
    return f"\n\n“{text}”" if text else ""


def _answer(genuine: Genuine, code: str, channel: str, sent_at: dt.datetime) -> MessageCode:
    return MessageCode(code=codes.grouped(code), link=genuine.link(code), channel=channel, sent_at=sent_at)


class NotACode(AppError):
    status_code = 400
    problem_type = "not-a-verification-code"
    title = "This is not a message verification code"


# Per client address: well past what a person checking messages needs, far short of guessing (see the docs).
CHECKS = Bucket("message-checks", capacity=30, per_second=0.5)


async def check(
    genuine: Genuine, identity: Identity, request: Request[Any, Any, Any], typed: str
) -> MessageCheck:
    """The message with this code, if the platform or an agency sent it. A code that cannot be one of
    ours (length, letters, check character) is refused before any look-up or rate limit."""
    code = codes.normalise(typed)
    if code is None:
        raise NotACode("A verification code is 16 letters and digits, printed in four groups of four.")
    await identity.limit(request, CHECKS)
    found = await queries.seal_by_code(genuine.pool, code)
    signed = None if found is None else _statement_of(found)
    if (
        found is None
        or signed is None
        or not genuine.sealer.signer.verify(found.key_id, signed, found.signature)
    ):
        raise NotFound("No message has this verification code: it was not sent by the platform or an agency.")
    return MessageCheck(
        code=codes.grouped(code),
        agency_code=found.agency_code,
        agency_name_th=found.agency_name_th,
        agency_name_en=found.agency_name_en,
        channel=found.channel,
        sent_at=found.sent_at,
        text=found.message_text,
        text_sha256=found.text_sha256.hex(),
        recipient=found.recipient_tag.hex(),
        key_id=found.key_id,
        signature=base64.urlsafe_b64encode(found.signature).rstrip(b"=").decode(),
        statement=signed.decode(),
    )


def _statement_of(found: SealFound) -> bytes | None:
    try:
        return statement.statement(
            code=found.code,
            sender=found.agency_code,
            recipient=found.recipient_tag.hex(),
            channel=found.channel,
            sent_at=found.sent_at,
            text_hash=found.text_sha256.hex(),
        )
    except ValueError:  # an agency code changed to one no statement can hold: not checkable, so not genuine
        return None


async def apply_retention(pool: Pool, *, text_days: int, batch: int = 1000) -> int:
    """Seals keep a message's text as long as the inbox keeps its body (NOTIFICATION_BODY_RETENTION_DAYS);
    then only its hash, which the signature covers, so the code still checks. Returns how many groups of
    seals (a campaign's chunk, a single message) stopped showing their text."""
    purged = 0
    while count := await queries.purge_texts(pool, text_days, batch):
        purged += count
    while await queries.delete_unshown_texts(pool, text_days, batch):
        pass
    return purged
