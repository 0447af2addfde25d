"""The data ``make scale`` runs on, made in SQL (generate_series, one statement per part) rather than
through the API: citizens with birth dates and a device each (every twentieth stale: its push service
answers 410), one agency that everyone follows and that holds an entitlement state for everyone, and
months of history (old inbox messages, their deliveries, the data-access log) grown to the size a national
install reaches, so that every index a campaign writes to is as deep as it would be."""

from __future__ import annotations

import base64
import datetime as dt

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from backend.core.db import Db
from backend.core.partitions import ensure_months
from notifications.queries.deliveries import BODIES, INBOX, INBOX_DELIVERIES

PART = 250_000  # rows per statement: each well inside the statement time-out
STALE_EVERY = 20  # 5 % of devices


def device_keys() -> tuple[str, str]:
    """A real P-256 key and auth secret for all devices: the platform encrypts to it, the sink ignores it."""
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), "c2NhbGUtYXV0aC0xNmJ5dA"  # 16 bytes


async def setup_agency(pool: Db) -> tuple[int, int, int]:
    """(agency id, tile id, connector id) of the agency every campaign is sent by."""
    agency_id: int = await pool.fetchval(
        "INSERT INTO agencies (code, name_th, name_en, status) "
        "VALUES ('scale', 'หน่วยงานทดสอบขนาด', 'Scale test agency', 'approved') RETURNING id"
    )
    tile_id: int = await pool.fetchval("INSERT INTO tiles (agency_id) VALUES ($1) RETURNING id", agency_id)
    connector_id: int = await pool.fetchval(
        """
        INSERT INTO connectors (agency_id, name, title_th, title_en, base_url, auth_kind, timeout_ms, retries,
                                cache_seconds, purpose_th, purpose_en, status, approved_at)
        VALUES ($1, 'scale', 'scale', 'scale', 'https://scale.invalid', 'none', 2000, 0, 3600, 'scale',
                'scale', 'active', now())
        RETURNING id
        """,
        agency_id,
    )
    return agency_id, tile_id, connector_id


async def add_citizens(
    pool: Db, first: int, last: int, ids: tuple[int, int, int], sink: str, keys: tuple[str, str]
) -> None:
    """Citizens ``first``..``last`` (numbers), each with a birth date (ages 0-89), a device at the sink,
    a favourite of the agency's tile (so following the agency too) and an entitlement state at it."""
    agency_id, tile_id, connector_id = ids
    for start in range(first, last + 1, PART):
        end = min(start + PART - 1, last)
        await pool.execute(
            """
            INSERT INTO citizens (national_id_hash, national_id_ciphertext, national_id_key_id, issuer,
                                  subject, birthdate)
            SELECT sha256(('scale-' || i)::bytea), '\\x00', 'k1', 'scale', i::text,
                   (current_date - make_interval(days => ((i::bigint * 7919) % 32870)::int))::date
            FROM generate_series($1::int, $2::int) AS i
            """,
            start,
            end,
        )
        await pool.execute(
            """
            INSERT INTO push_subscriptions (citizen_id, endpoint, p256dh, auth)
            SELECT c.id, $3 || CASE WHEN c.subject::int % $4 = 0 THEN '/gone/' ELSE '/push/' END || c.subject,
                   $5, $6
            FROM citizens c WHERE c.issuer = 'scale' AND c.subject::int BETWEEN $1 AND $2
            """,
            start,
            end,
            sink,
            STALE_EVERY,
            *keys,
        )
        await pool.execute(
            "INSERT INTO tile_favourites (citizen_id, tile_id) SELECT id, $3::bigint FROM citizens "
            "WHERE issuer = 'scale' AND subject::int BETWEEN $1 AND $2",
            start,
            end,
            tile_id,
        )
        await pool.execute(
            """
            INSERT INTO entitlement_states (citizen_id, connector_id, agency_id, scheme_id, status,
                                            scheme_name_th, scheme_name_en)
            SELECT id, $3, $4, 'welfare-card', 'eligible_not_enrolled', 'บัตรสวัสดิการ', 'Welfare card'
            FROM citizens WHERE issuer = 'scale' AND subject::int BETWEEN $1 AND $2
            """,
            start,
            end,
            connector_id,
            agency_id,
        )
    await pool.execute("ANALYZE")


async def restore_stale_devices(pool: Db, sink: str, keys: tuple[str, str]) -> None:
    """The stale devices a campaign removed (their push service said 410), back for the next one."""
    await pool.execute(
        """
        INSERT INTO push_subscriptions (citizen_id, endpoint, p256dh, auth)
        SELECT id, $1 || '/gone/' || subject, $3, $4 FROM citizens
        WHERE issuer = 'scale' AND subject::int % $2 = 0
        ON CONFLICT (endpoint) DO NOTHING
        """,
        sink,
        STALE_EVERY,
        *keys,
    )


async def grow_history(pool: Db, agency_id: int, rows: int) -> None:
    """``rows`` old inbox messages, written as today's code writes them (the id of their time, the body in
    ``notification_bodies``, each month in its partitions), from the start of the month before the one 30
    days ago until now; and as many data-access records over the last 92 days. The retention job (30 and 90
    days in ``make scale``) then finds a whole month of bodies or more to drop, and two days' worth of
    access records to delete: its first run after a two-day pause."""
    citizens: int = await pool.fetchval("SELECT count(*) FROM citizens WHERE issuer = 'scale'")
    first: dt.date = await pool.fetchval(
        "SELECT (date_trunc('month', now() - interval '30 days') - interval '1 month')::date"
    )
    for table in (INBOX, INBOX_DELIVERIES, BODIES):
        await ensure_months(pool, table, first, dt.date.today())
    minutes: int = await pool.fetchval("SELECT extract(epoch FROM now() - $1::date)::int / 60", first)
    for start in range(1, rows + 1, PART):
        end = min(start + PART - 1, rows)
        await pool.execute(
            """
            WITH made AS (
                INSERT INTO notifications (id, citizen_id, agency_id, title_th, title_en, urgency,
                                           ttl_seconds, idempotency_key, request_hash, status, created_at,
                                           body_purged_at)
                SELECT uuid_v7(t.at), c.id, $3, 'ข่าวเก่า', 'Older news', 'normal', 86400, 'history-' || i, '',
                       'delivered', t.at, t.at
                FROM generate_series($1::int, $2::int) AS i
                JOIN citizens c ON c.issuer = 'scale' AND c.subject = (1 + i % $4)::text
                CROSS JOIN LATERAL (SELECT now() - make_interval(mins => (i * 13) % $5) AS at) AS t
                RETURNING id, created_at
            ),
            bodies AS (
                INSERT INTO notification_bodies (notification_id, body_th, body_en)
                SELECT id, 'ข้อความเก่าจากหน่วยงาน', 'An older message' FROM made
            )
            INSERT INTO notification_deliveries (notification_id, endpoint_origin, status, updated_at)
            SELECT id, 'https://127.0.0.1', 'delivered', created_at FROM made
            """,
            start,
            end,
            agency_id,
            citizens,
            minutes,
        )
        await pool.execute(
            """
            INSERT INTO data_access_log (citizen_id, agency_id, actor_kind, purpose_en, purpose_th, kind,
                                         outcome, at)
            SELECT c.id, $3, 'citizen', 'Your entitlements', 'สิทธิ์ของคุณ', 'agency_call', 'ok',
                   now() - make_interval(mins => (i * 17) % 132480)
            FROM generate_series($1::int, $2::int) AS i
            JOIN citizens c ON c.issuer = 'scale' AND c.subject = (1 + i % $4)::text
            """,
            start,
            end,
            agency_id,
            citizens,
        )
    await pool.execute("ANALYZE")
