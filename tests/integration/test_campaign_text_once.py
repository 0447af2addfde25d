"""A campaign's text is stored once (issue 23): its messages keep none of their own, and the inbox, the push,
the verification code and retention all read the campaign's; an existing install's rows are converted."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest_asyncio

from backend.core.migrate import discover_migrations, upgrade
from backend.core.resources import Resources
from backend.genuine import statement
from notifications.retention import apply_retention
from tests.factories import make_agency
from tests.helpers.notifications import PARAMS, received, run_until_idle, sender_and_subscriber
from tests.integration.conftest import SignIn
from tests.servers import Servers, create_scratch_database, drop_database, with_database

TEXT = "บิล Water ครบกำหนด\nยอด 187.00 บาท ครบกำหนด 30 Nov\n\nWater bill due\n187.00 baht due on 30 Nov"


async def test_a_campaigns_messages_read_its_one_text_in_the_inbox_the_push_and_the_code(
    sign_in: SignIn, resources: Resources, push_service: str, client: httpx.AsyncClient
) -> None:
    sender, citizen, device, _ = await sender_and_subscriber(sign_in, resources, push_service, 231)
    agency_id = await resources.pool.fetchval("SELECT max(id) FROM agencies")
    tile_id = await resources.pool.fetchval(
        "INSERT INTO tiles (agency_id) VALUES ($1) RETURNING id", agency_id
    )
    await resources.pool.execute(
        """
        INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer, subject)
        SELECT sha256(('text-once-' || i)::bytea), '\\x00', 'k1', 'bulk', i::text
        FROM generate_series(1, 40) AS i
        """
    )
    await resources.pool.execute(
        "INSERT INTO tile_favourites (citizen_id, tile_id) SELECT id, $1::bigint FROM citizens "
        "WHERE issuer = 'bulk' UNION SELECT citizen_id, $1::bigint FROM push_subscriptions",
        tile_id,
    )
    body = {
        "audience": {"kind": "tile-followers", "tile_id": tile_id},
        "template": "bill-due",
        "params": PARAMS,
        "idempotency_key": "text-once",
    }
    campaign = (await sender.post("/api/v1/agency/notification-campaigns", json=body)).json()
    await run_until_idle(resources)

    own = await resources.pool.fetchrow(
        """
        SELECT count(*) AS n, count(*) FILTER (WHERE num_nonnulls(title_th, title_en, body_th, body_en, url,
                                                                  idempotency_key) > 0) AS with_text
        FROM notifications WHERE campaign_id = $1::uuid
        """,
        campaign["id"],
    )
    assert own is not None
    assert (own["n"], own["with_text"]) == (41, 0)
    # One text for all 41 seals, which still show it and verify.
    texts = await resources.pool.fetch(
        """
        SELECT DISTINCT t.message_text FROM notifications n
        JOIN message_seals s ON s.code = n.verification_code
        JOIN message_texts t ON s.text_kept AND t.text_sha256 = s.text_sha256 WHERE n.campaign_id = $1::uuid
        """,
        campaign["id"],
    )
    assert [row["message_text"] for row in texts] == [TEXT]

    [item] = (await citizen.get("/api/v1/inbox")).json()["items"]
    assert (item["title_en"], item["body_th"], item["url"]) == (
        "Water bill due",
        "ยอด 187.00 บาท ครบกำหนด 30 Nov",
        None,
    )
    [pushed] = await received(push_service, device["device_id"])
    payload = json.loads(pushed["payload"])
    assert (payload["title_th"], payload["body_en"], payload["code"]) == (
        "บิล Water ครบกำหนด",
        "187.00 baht due on 30 Nov",
        item["verification_code"],
    )
    checked = await client.get(f"/api/v1/messages/verify/{item['verification_code']}")
    assert checked.status_code == 200, checked.text
    assert (checked.json()["text"], checked.json()["text_sha256"]) == (TEXT, statement.text_sha256(TEXT))

    # Retention: the messages' bodies go, and then the campaign's own (its messages were all older).
    await resources.pool.execute(
        "UPDATE notifications SET created_at = created_at - interval '40 days' WHERE campaign_id = $1::uuid",
        campaign["id"],
    )
    await resources.pool.execute(
        "UPDATE notification_campaigns SET expanded_at = expanded_at - interval '40 days' "
        "WHERE id = $1::uuid",
        campaign["id"],
    )
    purged = await apply_retention(resources.pool, body_days=30, metadata_days=90)
    assert (purged.cleared, purged.attempts.months) == (41, [])
    [item] = (await citizen.get("/api/v1/inbox")).json()["items"]
    assert (item["title_en"], item["body_en"], item["body_th"]) == ("Water bill due", None, None)
    kept = await resources.pool.fetchrow(
        "SELECT title_en, body_en, body_purged_at IS NOT NULL AS purged FROM notification_campaigns "
        "WHERE id = $1::uuid",
        campaign["id"],
    )
    assert kept is not None
    assert tuple(kept) == ("Water bill due", None, True)


@pytest_asyncio.fixture
async def empty_database(servers: Servers) -> AsyncIterator[str]:
    name = await create_scratch_database(servers.admin_dsn, prefix="citizen_text_once")
    yield with_database(servers.admin_dsn, name)
    await drop_database(servers.admin_dsn, name)


async def test_the_migrations_move_existing_copies_to_the_campaign_and_the_texts_table(
    empty_database: str,
) -> None:
    known = discover_migrations()
    # The schema as it was before 0049: later migrations (0052's seal groups) build on 0049-0050.
    await upgrade(empty_database, [m for m in known if m.version < 49])
    connection = await asyncpg.connect(empty_database)
    try:
        agency_id = await make_agency(connection, status="approved")
        citizen_id = await connection.fetchval(
            """
            INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer,
                                  subject)
            VALUES (sha256('old'::bytea), '\\x00', 'k1', 'old', 'old') RETURNING id::text
            """
        )
        template_id = await connection.fetchval(
            """
            INSERT INTO notification_templates (agency_id, key, version, category, title_th, title_en,
                                                body_th, body_en, placeholders)
            VALUES ($1, 'old', 1, 'bills', 'ท', 'T', 'บ', 'B', '{}') RETURNING id
            """,
            agency_id,
        )
        campaign_id = await connection.fetchval(
            """
            INSERT INTO notification_campaigns (agency_id, template_id, category, title_th, title_en, body_th,
                                                body_en, url, urgency, ttl_seconds, audience, idempotency_key,
                                                request_hash)
            VALUES ($1, $2, 'bills', 'ท', 'T', 'บ', 'B', '/bills', 'normal', 60, '{}', 'k', '')
            RETURNING id::text
            """,
            agency_id,
            template_id,
        )
        insert = """
            INSERT INTO notifications (citizen_id, agency_id, title_th, title_en, body_th, body_en, url,
                                       urgency, ttl_seconds, idempotency_key, request_hash, campaign_id)
            VALUES ($1::uuid, $2, $3, 'T', 'บ', 'B', '/bills', 'normal', 60, $4, '', $5::uuid)
        """
        await connection.execute(insert, citizen_id, agency_id, "ท", f"campaign:{campaign_id}", campaign_id)
        await connection.execute(insert, citizen_id, agency_id, "ของตัวเอง", "own", None)
        sealed = {"app": "ท\nบ\n\nT\nB\n/bills", "letter": None}
        for number, (channel, text) in enumerate(sealed.items()):
            await connection.execute(
                "INSERT INTO message_seals (code, agency_id, channel, recipient_tag, sent_at, text_sha256, "
                "message_text, key_id, signature) VALUES ($1, $2, $3, $4, now(), $5, $6, 'k', $7)",
                f"{number:016d}",
                agency_id,
                channel,
                bytes(32),
                bytes.fromhex(statement.text_sha256(text or "only its hash")),
                text,
                bytes(64),
            )

        await upgrade(empty_database)
        rows = await connection.fetch(
            "SELECT title_th, body_en, url, idempotency_key FROM notifications "
            "ORDER BY campaign_id NULLS LAST"
        )
        assert [tuple(row) for row in rows] == [(None, None, None, None), ("ของตัวเอง", "B", "/bills", "own")]
        seals = await connection.fetch(
            "SELECT s.channel, s.text_kept, t.message_text FROM message_seals s "
            "LEFT JOIN message_texts t ON t.text_sha256 = s.text_sha256 ORDER BY s.code"
        )
        assert [tuple(row) for row in seals] == [("app", True, sealed["app"]), ("letter", False, None)]
        assert await connection.fetchval(
            "SELECT last_sent_at > now() - interval '1 minute' FROM message_texts"
        )
    finally:
        await connection.close()
