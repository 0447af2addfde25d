"""SQL of message seals (writing them with the message, finding one by its code) and of the sender
registry (agencies' official SMS names, link domains and contact channels)."""

from __future__ import annotations

import datetime as dt
import uuid

import msgspec

from backend.core.db import Connection, Db


class Seal(msgspec.Struct, kw_only=True, frozen=True):
    code: str
    agency_id: int
    channel: str
    recipient_tag: bytes
    sent_at: dt.datetime
    text_sha256: bytes
    message_text: str | None
    key_id: str
    signature: bytes


class SealFound(msgspec.Struct, kw_only=True, frozen=True):
    """A seal with its sender as the public check names it."""

    code: str
    channel: str
    recipient_tag: bytes
    sent_at: dt.datetime
    text_sha256: bytes
    message_text: str | None
    key_id: str
    signature: bytes
    agency_code: str
    agency_name_th: str
    agency_name_en: str


async def recipients_and_senders(
    connection: Connection, citizen_ids: list[uuid.UUID], agency_ids: list[int]
) -> tuple[dict[uuid.UUID, bytes], dict[int, str]]:
    """The citizens' national ID hashes and the agencies' codes, in one round trip."""
    rows = await connection.fetch(
        """
        SELECT id AS citizen_id, NULL::bigint AS agency_id, national_id_hash, NULL AS code
        FROM citizens WHERE id = ANY($1::uuid[])
        UNION ALL
        SELECT NULL, id, NULL, code FROM agencies WHERE id = ANY($2::bigint[])
        """,
        citizen_ids,
        agency_ids,
    )
    hashes = {row["citizen_id"]: row["national_id_hash"] for row in rows if row["code"] is None}
    return hashes, {row["agency_id"]: row["code"] for row in rows if row["code"] is not None}


_TEXT_FRESH_FOR = dt.timedelta(days=1)


async def insert_seals(connection: Connection, seals: list[Seal]) -> None:
    """A campaign's chunk in one statement: its text once (migration 0050), then its seals and the group
    they share (0052): one per sender, time, text, channel and key among them.

    Each text is kept and its ``last_sent_at`` moved on, except a text already kept and sent within the
    last day, left alone without a lock: the chunks of one campaign, expanding side by side, would
    otherwise queue on its row one transaction after another. Retention deletes it a day late at
    worst, and the groups' own ``text_kept`` decides what each seal shows."""
    texts: dict[bytes, tuple[str, dt.datetime]] = {}
    for seal in seals:
        if seal.message_text is not None:
            _, latest = texts.get(seal.text_sha256, (seal.message_text, seal.sent_at))
            texts[seal.text_sha256] = (seal.message_text, max(latest, seal.sent_at))
    columns = [
        [getattr(seal, name) for seal in seals]
        for name in ("code", "agency_id", "sent_at", "text_sha256", "channel", "key_id")
    ]
    await connection.execute(
        """
        WITH kept AS (
            INSERT INTO message_texts AS t (text_sha256, message_text, last_sent_at)
            SELECT * FROM unnest($10::bytea[], $11::text[], $12::timestamptz[]) AS i(digest, text, sent_at)
            WHERE NOT EXISTS (
                SELECT FROM message_texts m
                WHERE m.text_sha256 = i.digest AND m.last_sent_at >= i.sent_at - $13::interval
            )
            ON CONFLICT (text_sha256) DO UPDATE
                SET last_sent_at = greatest(t.last_sent_at, excluded.last_sent_at)
        ), seal AS (
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::bytea[], $5::text[],
                                 $6::text[], $7::boolean[], $8::bytea[], $9::bytea[])
                AS s(code, agency_id, sent_at, text_sha256, channel, key_id, text_kept, recipient_tag,
                     signature)
        ), grouped AS (
            INSERT INTO seal_groups (agency_id, sent_at, text_sha256, channel, key_id, text_kept)
            SELECT DISTINCT agency_id, sent_at, text_sha256, channel, key_id, text_kept FROM seal
            RETURNING *
        )
        INSERT INTO message_seal_codes (code, group_id, recipient_tag, signature)
        SELECT seal.code, grouped.id, seal.recipient_tag, seal.signature
        FROM seal JOIN grouped USING (agency_id, sent_at, text_sha256, channel, key_id, text_kept)
        """,
        *columns,
        [seal.message_text is not None for seal in seals],
        [seal.recipient_tag for seal in seals],
        [seal.signature for seal in seals],
        list(texts),
        [text for text, _ in texts.values()],
        [sent_at for _, sent_at in texts.values()],
        _TEXT_FRESH_FOR,
    )


async def seal_by_code(db: Db, code: str) -> SealFound | None:
    row = await db.fetchrow(
        """
        SELECT s.code, g.channel, s.recipient_tag, g.sent_at, g.text_sha256, t.message_text, g.key_id,
               s.signature, a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
        FROM message_seal_codes s JOIN seal_groups g ON g.id = s.group_id
        JOIN agencies a ON a.id = g.agency_id
        LEFT JOIN message_texts t ON g.text_kept AND t.text_sha256 = g.text_sha256
        WHERE s.code = $1 AND g.sent_at <= now()
        """,
        code,
    )
    return msgspec.convert(dict(row), SealFound) if row else None


class Registered(msgspec.Struct, kw_only=True, frozen=True):
    code: str
    channel: str
    sent_at: dt.datetime
    request_hash: bytes


async def lock_key(connection: Connection, agency_id: int, key: str) -> None:
    """Until commit: two registrations under one idempotency key never both write."""
    await connection.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('message-code:' || $1::text || ':' || $2, 0))",
        str(agency_id),
        key,
    )


async def registered_by_key(connection: Connection, agency_id: int, key: str) -> Registered | None:
    row = await connection.fetchrow(
        """
        SELECT r.code, g.channel, g.sent_at, r.request_hash
        FROM message_code_registrations r JOIN message_seal_codes s ON s.code = r.code
        JOIN seal_groups g ON g.id = s.group_id
        WHERE r.agency_id = $1 AND r.idempotency_key = $2
        """,
        agency_id,
        key,
    )
    return msgspec.convert(dict(row), Registered) if row else None


async def mark_registered(
    connection: Connection, code: str, agency_id: int, key: str, request_hash: bytes
) -> None:
    await connection.execute(
        "INSERT INTO message_code_registrations (code, agency_id, idempotency_key, request_hash) "
        "VALUES ($1, $2, $3, $4)",
        code,
        agency_id,
        key,
        request_hash,
    )


async def agency_names(connection: Connection, agency_id: int) -> tuple[str, str, str]:
    """(code, Thai name, English name)."""
    row = await connection.fetchrow("SELECT code, name_th, name_en FROM agencies WHERE id = $1", agency_id)
    assert row is not None  # the caller's permission for it was checked
    return row["code"], row["name_th"], row["name_en"]


async def purge_texts(db: Db, older_than_days: int, batch: int) -> int:
    """Up to ``batch`` groups of seals sent more than ``older_than_days`` ago no longer show their text
    (the hash stays)."""
    result: str = await db.execute(
        """
        UPDATE seal_groups SET text_kept = false
        WHERE id IN (
            SELECT id FROM seal_groups
            WHERE text_kept AND sent_at < now() - make_interval(days => $1)
            LIMIT $2 FOR UPDATE SKIP LOCKED
        )
        """,
        older_than_days,
        batch,
    )
    return int(result.rsplit(maxsplit=1)[-1])


async def delete_unshown_texts(db: Db, older_than_days: int, batch: int) -> int:
    """Up to ``batch`` texts that no seal shows any more (every seal older than the cutoff stopped showing
    its text: ``purge_texts`` runs first). A day more than the cutoff: a text sent within a day is not
    touched by ``insert_seals``, so its ``last_sent_at`` may be up to a day behind its newest seal."""
    result: str = await db.execute(
        """
        DELETE FROM message_texts WHERE text_sha256 IN (
            SELECT text_sha256 FROM message_texts
            WHERE last_sent_at < now() - make_interval(days => $1 + 1)
            LIMIT $2 FOR UPDATE SKIP LOCKED
        )
        """,
        older_than_days,
        batch,
    )
    return int(result.rsplit(maxsplit=1)[-1])


# --- the sender registry ----------------------------------------------------------------------------
class SenderEntryRow(msgspec.Struct, kw_only=True, frozen=True):
    id: int
    agency_id: int
    kind: str
    value: str
    note_th: str
    note_en: str
    review_status: str
    review_comment: str | None
    created_at: dt.datetime


class ReviewRow(SenderEntryRow, kw_only=True, frozen=True):
    agency_code: str
    agency_name_th: str
    agency_name_en: str


class PublishedRow(msgspec.Struct, kw_only=True, frozen=True):
    agency_code: str
    agency_name_th: str
    agency_name_en: str
    kind: str
    value: str
    note_th: str
    note_en: str
    approved_at: dt.datetime | None


async def entries_of(db: Db, agency_id: int) -> list[SenderEntryRow]:
    rows = await db.fetch(
        """
        SELECT e.id, e.agency_id, e.kind, e.value, e.note_th, e.note_en, e.review_status,
               e.review_comment, e.created_at
        FROM sender_entries e WHERE e.agency_id = $1 ORDER BY e.kind, e.value
        """,
        agency_id,
    )
    return [msgspec.convert(dict(row), SenderEntryRow) for row in rows]


async def insert_entry(
    db: Db, agency_id: int, kind: str, value: str, note_th: str, note_en: str
) -> SenderEntryRow | None:
    """None when the agency already lists this channel."""
    row = await db.fetchrow(
        """
        INSERT INTO sender_entries (agency_id, kind, value, note_th, note_en)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (agency_id, kind, value) DO NOTHING
        RETURNING id, agency_id, kind, value, note_th, note_en, review_status, review_comment, created_at
        """,
        agency_id, kind, value, note_th, note_en,
    )  # fmt: skip
    return msgspec.convert(dict(row), SenderEntryRow) if row else None


async def delete_entry(db: Db, agency_id: int, entry_id: int) -> bool:
    """Only the path's agency's own entry: another agency's id is simply not found."""
    result: str = await db.execute(
        "DELETE FROM sender_entries WHERE id = $1 AND agency_id = $2", entry_id, agency_id
    )
    return result.endswith(" 1")


async def pending(db: Db) -> list[ReviewRow]:
    rows = await db.fetch(
        """
        SELECT e.id, e.agency_id, e.kind, e.value, e.note_th, e.note_en, e.review_status,
               e.review_comment, e.created_at,
               a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
        FROM sender_entries e JOIN agencies a ON a.id = e.agency_id
        WHERE e.review_status = 'pending' ORDER BY e.created_at, e.id
        """
    )
    return [msgspec.convert(dict(row), ReviewRow) for row in rows]


async def review(
    db: Db, entry_id: int, status: str, comment: str | None, reviewer: uuid.UUID | None
) -> ReviewRow | None:
    """None when no entry has this id or it is no longer pending (reviewed by someone else first)."""
    row = await db.fetchrow(
        """
        WITH changed AS (
            UPDATE sender_entries SET review_status = $2, review_comment = $3, reviewed_by = $4,
                                      reviewed_at = now()
            WHERE id = $1 AND review_status = 'pending'
            RETURNING *
        )
        SELECT e.id, e.agency_id, e.kind, e.value, e.note_th, e.note_en, e.review_status,
               e.review_comment, e.created_at,
               a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en
        FROM changed e JOIN agencies a ON a.id = e.agency_id
        """,
        entry_id, status, comment, reviewer,
    )  # fmt: skip
    return msgspec.convert(dict(row), ReviewRow) if row else None


async def published(db: Db, agency_code: str | None = None) -> list[PublishedRow]:
    """Approved entries of approved agencies: what anyone may rely on."""
    rows = await db.fetch(
        """
        SELECT a.code AS agency_code, a.name_th AS agency_name_th, a.name_en AS agency_name_en,
               e.kind, e.value, e.note_th, e.note_en, e.reviewed_at AS approved_at
        FROM sender_entries e JOIN agencies a ON a.id = e.agency_id
        WHERE e.review_status = 'approved' AND a.status = 'approved'
          AND ($1::text IS NULL OR a.code = $1)
        ORDER BY a.name_en,
                 array_position(ARRAY['sms_sender', 'link_domain', 'phone', 'email', 'line_official'],
                                e.kind),
                 e.value
        """,
        agency_code,
    )
    return [msgspec.convert(dict(row), PublishedRow) for row in rows]


async def add_approved_entry(
    connection: Connection, agency_code: str, kind: str, value: str, note_th: str, note_en: str
) -> None:
    """Demo data: an entry already reviewed, once (a later run keeps whatever the demo's admins changed)."""
    await connection.execute(
        """
        INSERT INTO sender_entries (agency_id, kind, value, note_th, note_en, review_status, reviewed_at)
        SELECT id, $2, $3, $4, $5, 'approved', now() FROM agencies WHERE code = $1
        ON CONFLICT (agency_id, kind, value) DO NOTHING
        """,
        agency_code, kind, value, note_th, note_en,
    )  # fmt: skip


async def link_domains_of(db: Db, agency_id: int) -> tuple[str, str, str, list[str]] | None:
    """(code, Thai name, English name, approved link domains) of an agency, None when there is none; an
    agency that is not approved (suspended) vouches for no domain."""
    row = await db.fetchrow(
        """
        SELECT a.code, a.name_th, a.name_en,
               coalesce(array_agg(s.value) FILTER (WHERE s.id IS NOT NULL AND a.status = 'approved'), '{}')
                   AS domains
        FROM agencies a
        LEFT JOIN sender_entries s
            ON s.agency_id = a.id AND s.kind = 'link_domain' AND s.review_status = 'approved'
        WHERE a.id = $1
        GROUP BY a.id
        """,
        agency_id,
    )
    return None if row is None else (row["code"], row["name_th"], row["name_en"], list(row["domains"]))
