"""What a campaign writes per recipient, measured on a database of its own (WAL is the whole cluster's):
WAL bytes per message, and row bytes per recipient; beside the layout before issue 23 (every inbox row
and seal carrying its own copy of the campaign's text), rebuilt from the same rows in the same run.

Used by ``tests/bench/test_campaign_storage.py`` and ``make scale`` (scripts/scale.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from backend.core.db import Db

# The tables a campaign writes a row in per recipient (a device's delivery and its attempt: per device).
PER_RECIPIENT = ("notifications", "message_seal_codes", "notification_deliveries", "delivery_attempts")


async def wal_lsn(db: Db) -> int:
    lsn: int = await db.fetchval("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")
    return lsn


async def relation_bytes(db: Db, tables: tuple[str, ...] = PER_RECIPIENT) -> int:
    """Heap, TOAST and every index of the tables; of every partition of a partitioned one (whose own
    size is 0)."""
    size: int = await db.fetchval(
        """
        SELECT sum(coalesce(
            (SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(t::regclass) AS p),
            pg_total_relation_size(t::regclass)
        ))::bigint
        FROM unnest($1::text[]) AS t
        """,
        list(tables),
    )
    return size


@dataclass(frozen=True)
class RowBytes:
    """Per recipient: the inbox row and the seal as stored (their tuples' bytes), and the two tables'
    bytes with their indexes."""

    inbox_tuple: float
    seal_tuple: float
    with_indexes: float

    @property
    def tuples(self) -> float:
        return self.inbox_tuple + self.seal_tuple


async def campaign_row_bytes(db: Db, campaign_id: uuid.UUID) -> RowBytes:
    """The campaign's rows as stored now (``pg_column_size`` of each row), and the two tables' size
    (indexes included) per inbox row (each with its seal)."""
    row = await db.fetchrow(
        """
        SELECT avg(pg_column_size(n.*)) AS inbox, avg(pg_column_size(s.*)) AS seal
        FROM notifications n LEFT JOIN message_seal_codes s ON s.code = n.verification_code
        WHERE n.campaign_id = $1::uuid
        """,
        campaign_id,
    )
    assert row is not None  # an aggregate: always one row
    rows = await db.fetchval("SELECT count(*) FROM notifications")
    both = await relation_bytes(db, ("notifications", "message_seal_codes"))
    return RowBytes(float(row["inbox"]), float(row["seal"] or 0), both / max(rows, 1))


@dataclass(frozen=True)
class Layouts:
    """The campaign's inbox rows and seals written again into scratch tables, as they are now and as
    they were before the text was stored once: WAL and bytes per recipient of each."""

    recipients: int
    wal_now: float
    wal_before: float
    bytes_now: RowBytes
    bytes_before: RowBytes


_SCRATCH = {
    "now": """
        DROP TABLE IF EXISTS layout_inbox, layout_seals;
        CREATE TABLE layout_inbox (LIKE notifications INCLUDING DEFAULTS INCLUDING INDEXES);
        CREATE TABLE layout_seals (LIKE message_seal_codes INCLUDING DEFAULTS INCLUDING INDEXES);
    """,
    # The seal as one row (the view ``message_seals`` has its columns) with its text and its indexes.
    "before": """
        DROP TABLE IF EXISTS layout_inbox, layout_seals;
        CREATE TABLE layout_inbox (LIKE notifications INCLUDING DEFAULTS INCLUDING INDEXES);
        CREATE TABLE layout_seals (
            LIKE message_seals, created_at timestamptz NOT NULL DEFAULT now(), message_text text,
            PRIMARY KEY (code), UNIQUE (agency_id, idempotency_key)
        );
        CREATE INDEX ON layout_seals (sent_at) WHERE message_text IS NOT NULL;
    """,
}
# Before: each row with the campaign's text, link, 'campaign:<id>' key and delivery settings; each seal
# with its text and its group's columns.
_COPY_INBOX = {
    "now": "INSERT INTO layout_inbox SELECT n.* FROM notifications n WHERE n.campaign_id = $1::uuid",
    "before": """
        INSERT INTO layout_inbox
        SELECT (jsonb_populate_record(NULL::layout_inbox, to_jsonb(n) || jsonb_build_object(
            'title_th', c.title_th, 'title_en', c.title_en, 'body_th', c.body_th, 'body_en', c.body_en,
            'url', c.url, 'idempotency_key', 'campaign:' || c.id, 'template_id', c.template_id,
            'urgency', c.urgency, 'ttl_seconds', c.ttl_seconds, 'request_hash', to_jsonb(''::bytea),
            'from_platform', false))).*
        FROM notifications n JOIN notification_campaigns c ON c.id = n.campaign_id WHERE c.id = $1::uuid
    """,
}
_COPY_SEALS = {
    "now": """
        INSERT INTO layout_seals
        SELECT s.* FROM notifications n JOIN message_seal_codes s ON s.code = n.verification_code
        WHERE n.campaign_id = $1::uuid
    """,
    "before": """
        INSERT INTO layout_seals
        SELECT s.*, now(), t.message_text
        FROM notifications n JOIN message_seals s ON s.code = n.verification_code
        JOIN message_texts t ON t.text_sha256 = s.text_sha256 WHERE n.campaign_id = $1::uuid
    """,
}


async def compare_layouts(db: Db, campaign_id: uuid.UUID) -> Layouts:
    recipients: int = await db.fetchval(
        "SELECT count(*) FROM notifications WHERE campaign_id = $1::uuid", campaign_id
    )
    measured: dict[str, tuple[float, RowBytes]] = {}
    for layout in ("now", "before"):
        await db.execute(_SCRATCH[layout])
        start = await wal_lsn(db)
        await db.execute(_COPY_INBOX[layout], campaign_id)
        await db.execute(_COPY_SEALS[layout], campaign_id)
        wal = (await wal_lsn(db) - start) / recipients
        tuples = await db.fetchrow(
            "SELECT (SELECT avg(pg_column_size(i.*)) FROM layout_inbox i) AS inbox, "
            "(SELECT avg(pg_column_size(s.*)) FROM layout_seals s) AS seal"
        )
        assert tuples is not None
        size = await relation_bytes(db, ("layout_inbox", "layout_seals"))
        measured[layout] = (wal, RowBytes(float(tuples["inbox"]), float(tuples["seal"]), size / recipients))
    await db.execute("DROP TABLE layout_inbox, layout_seals")
    return Layouts(
        recipients, measured["now"][0], measured["before"][0], measured["now"][1], measured["before"][1]
    )
