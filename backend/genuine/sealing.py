"""Sealing messages as they are written: a fresh code, the recipient's tag, the statement and the
platform's Ed25519 signature over it (backend/genuine/statement.py), stored in the writer's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from backend.applications.signing import DocumentSigner
from backend.core.db import Connection
from backend.genuine import codes, queries, statement
from backend.genuine.queries import Seal
from notifications.seals import ToSeal


class MessageSealer:
    """Wired into notifications (``seal_messages_with``) by the composition root."""

    def __init__(self, signer: DocumentSigner) -> None:
        self.signer = signer

    async def __call__(self, connection: Connection, messages: Sequence[ToSeal]) -> list[str]:
        citizens = [m.citizen_id for m in messages if m.citizen_id is not None]
        id_hashes, senders = await queries.recipients_and_senders(
            connection, citizens, sorted({m.agency_id for m in messages})
        )
        seals = []
        for message in messages:
            id_hash = message.held_for if message.citizen_id is None else id_hashes[message.citizen_id]
            assert id_hash is not None  # a message is a citizen's or held for a national ID
            text = statement.app_message_text(
                message.title_th, message.body_th, message.title_en, message.body_en, message.url
            )
            seals.append(
                self.seal(
                    agency_id=message.agency_id,
                    sender=senders[message.agency_id],
                    national_id_hash=id_hash,
                    channel="app",
                    sent_at=message.sent_at,
                    text_hash=statement.text_sha256(text),
                    text=text,
                )
            )
        await queries.insert_seals(connection, seals)
        return [seal.code for seal in seals]

    def seal(
        self,
        *,
        agency_id: int,
        sender: str,
        national_id_hash: bytes,
        channel: str,
        sent_at: datetime,
        text_hash: str,
        text: str | None,
    ) -> Seal:
        code = codes.new_code()
        tag = statement.recipient_tag(national_id_hash, code)
        signed = statement.statement(
            code=code,
            sender=sender,
            recipient=tag.hex(),
            channel=channel,
            sent_at=sent_at,
            text_hash=text_hash,
        )
        key_id, signature = self.signer.sign(signed)
        return Seal(
            code=code,
            agency_id=agency_id,
            channel=channel,
            recipient_tag=tag,
            sent_at=sent_at,
            text_sha256=bytes.fromhex(text_hash),
            message_text=text,
            key_id=key_id,
            signature=signature,
        )
